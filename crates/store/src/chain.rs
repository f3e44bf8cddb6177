//! The SM3 hash chain (GB/T 32905-2016) over the event log.

use sm3::{Digest, Sm3};

/// The "previous hash" of the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// `SM3(previous ‖ body)`.
pub fn hash_event(previous: &[u8; 32], body: &[u8]) -> [u8; 32] {
    let mut h = Sm3::new();
    h.update(previous);
    h.update(body);
    h.finalize().into()
}

/// Where the chain first stops being what govit wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub events: i64,
    pub bytes: u64,
    pub head: [u8; 32],
    pub first_break: Option<ChainBreak>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_of_abc_is_the_standard_vector() {
        // GB/T 32905-2016, Appendix A, example 1.
        let digest: [u8; 32] = Sm3::digest(b"abc").into();
        assert_eq!(hex::encode(digest), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }

    #[test]
    fn a_hash_depends_on_the_previous_one() {
        let a = hash_event(&GENESIS, b"{}");
        let b = hash_event(&a, b"{}");
        assert_ne!(a, b);
    }
}
