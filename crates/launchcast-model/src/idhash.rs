//! [`IdMap`]: the hash map of ids that the checks across items and the correlation groups
//! look tasks up in. Ids are short strings, looked up a few times per link of a large model;
//! the standard SipHash took more time than reading the links. This hasher takes a word at a
//! time and mixes the result once (Murmur3's finaliser), from a seed drawn per map, so a file
//! cannot be written to make its ids collide.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

/// A hash map keyed by ids (or small tuples of them) with [`IdHash`].
pub(crate) type IdMap<K, V> = HashMap<K, V, IdHash>;

/// A new, empty [`IdMap`] with room for `n` entries.
pub(crate) fn id_map<K, V>(n: usize) -> IdMap<K, V> {
    HashMap::with_capacity_and_hasher(n, IdHash::default())
}

/// Builds [`IdHasher`]s from one random seed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IdHash {
    seed: u64,
}

impl Default for IdHash {
    fn default() -> IdHash {
        // The standard library's random keys, one SipHash per map.
        let seed = std::collections::hash_map::RandomState::new().hash_one(0x6c61_756e_6368u64);
        IdHash { seed }
    }
}

impl BuildHasher for IdHash {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.seed)
    }
}

/// A word-at-a-time multiplicative hash with a final mix.
pub(crate) struct IdHasher(u64);

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(K);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(head) = w.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_lookups_find_them() {
        let mut m: IdMap<&str, usize> = id_map(4);
        let ids = ["a", "a0001", "a00010000", "plant/t1.2-x", "", "a0002"];
        for (i, id) in ids.iter().enumerate() {
            m.insert(id, i);
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(m.get(id), Some(&i));
        }
        assert_eq!(m.get("a0003"), None);
        assert_eq!(m.get("a000100000"), None);
    }

    #[test]
    fn ids_that_differ_in_one_byte_spread_over_the_buckets() {
        // 10,000 ids like a benchmark network's: the low 12 bits take most values.
        let h = IdHash::default();
        let mut seen = vec![false; 4096];
        for i in 0..10_000 {
            let id = format!("a{i:04}");
            let bucket = (h.hash_one(id.as_str()) & 4095) as usize;
            if let Some(s) = seen.get_mut(bucket) {
                *s = true;
            }
        }
        let used = seen.iter().filter(|s| **s).count();
        // A uniform hash leaves about 4096 · e^(-10000/4096) ≈ 358 buckets empty.
        assert!(used > 3600, "{used} of 4096 buckets used");
    }
}
