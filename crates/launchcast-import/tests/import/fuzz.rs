//! Random bytes into every reader: an error or a schedule, never a panic.

use super::*;
use proptest::prelude::*;

fn all(bytes: &[u8]) {
    for f in [
        Format::Mspdi,
        Format::Xer,
        Format::Pmxml,
        Format::Mpx,
        Format::Psplib,
    ] {
        if let Ok(s) = read_bytes(f, bytes) {
            let _ = inspect(&s);
            let _ = to_model(&s, None);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        all(&bytes);
    }
}
