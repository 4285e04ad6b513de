//! Reader (in progress).

use crate::errors::{ErrorKind, ImportError, Place};
use crate::schedule::Schedule;

pub fn read(_bytes: &[u8]) -> Result<Schedule, ImportError> {
    Err(ImportError::new(
        ErrorKind::Unsupported,
        Place::File,
        "reader not written yet",
    ))
}
