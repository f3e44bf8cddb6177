//! The SM algorithms govit relies on, checked against their standards' published examples and against stock
//! OpenSSL on the same bytes:
//!
//! - SM3 (GB/T 32905-2016, GM/T 0004-2012): examples 1 and 2 — the log's hash chain.
//! - SM4 (GB/T 32907-2016, GM/T 0002-2012): examples 1 and 2 — and SM4-GCM (RFC 8998, appendix A.1), the
//!   mode that seals personal data at rest.
//! - SM2 (GB/T 32918-2016, GM/T 0003.5-2012 appendix A): the example signature verifies; an SM2 signature
//!   made by govit's audit key verifies with `openssl pkeyutl`, and one made by OpenSSL verifies in govit.
//!
//! The OpenSSL cross-checks are skipped, loudly, when `openssl` is not installed, except under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aes_gcm::aead::{Aead, Payload};
use govit_app::keys::{AuditKey, AuditPublicKey, DISTID};
use govit_app::personal::Sm4Gcm;
use sm2::dsa::signature::Verifier;
use sm2::dsa::{Signature, SigningKey};
use sm2::pkcs8::{EncodePublicKey, LineEnding};
use sm3::{Digest, Sm3};
use sm4::Sm4;
use sm4::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Stdio};

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

fn sm4_encrypt_block(key: &[u8; 16], block: [u8; 16]) -> [u8; 16] {
    let cipher = Sm4::new(&Array::from(*key));
    let mut b = Array::from(block);
    cipher.encrypt_block(&mut b);
    b.into()
}

// SM3 ---------------------------------------------------------------------------------------------------------

#[test]
fn sm3_example_1_abc() {
    assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

#[test]
fn sm3_example_2_abcd_sixteen_times() {
    let message = b"abcd".repeat(16);
    assert_eq!(message.len(), 64);
    assert_eq!(sm3_hex(&message), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

#[test]
fn the_chain_hash_is_sm3_of_the_previous_hash_and_the_body() {
    let prev = [7u8; 32];
    let body = br#"{"seq":1}"#;
    let mut joined = prev.to_vec();
    joined.extend_from_slice(body);
    assert_eq!(hex::encode(govit_store::hash_event(&prev, body)), sm3_hex(&joined));
}

// SM4 ---------------------------------------------------------------------------------------------------------

const SM4_KEY: &str = "0123456789abcdeffedcba9876543210";

fn sm4_key() -> [u8; 16] {
    unhex(SM4_KEY).try_into().unwrap()
}

#[test]
fn sm4_example_1_one_block() {
    let key = sm4_key();
    let ciphertext = sm4_encrypt_block(&key, key);
    assert_eq!(hex::encode(ciphertext), "681edf34d206965e86b3e94f536e4246");
    let cipher = Sm4::new(&Array::from(key));
    let mut b = Array::from(ciphertext);
    cipher.decrypt_block(&mut b);
    assert_eq!(<[u8; 16]>::from(b), key);
}

#[test]
fn sm4_example_2_one_million_encryptions() {
    let key = sm4_key();
    let cipher = Sm4::new(&Array::from(key));
    let mut b = Array::from(key);
    for _ in 0..1_000_000 {
        cipher.encrypt_block(&mut b);
    }
    assert_eq!(hex::encode(b), "595298c7c6fd271f0402f804c33d3f66");
}

/// RFC 8998 A.1: SM4-GCM with a 12-byte IV and AAD; govit seals personal data with this construction.
#[test]
fn sm4_gcm_rfc_8998_example() {
    let key = sm4_key();
    let iv = unhex("00001234567800000000ABCD");
    let aad = unhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
    let plaintext = unhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
         EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
    );
    let expected_ciphertext = unhex(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735
         D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D",
    );
    let expected_tag = unhex("83DE3541E4C2B58177E065A9BF7B62EC");
    let cipher = Sm4Gcm::new(&Array::from(key));
    let nonce: [u8; 12] = iv.try_into().unwrap();
    let sealed = cipher.encrypt(&Array::from(nonce), Payload { msg: &plaintext, aad: &aad }).unwrap();
    assert_eq!(sealed[..plaintext.len()], expected_ciphertext[..]);
    assert_eq!(sealed[plaintext.len()..], expected_tag[..]);
    let opened = cipher.decrypt(&Array::from(nonce), Payload { msg: &sealed, aad: &aad }).unwrap();
    assert_eq!(opened, plaintext);
    let mut tampered = sealed.clone();
    tampered[0] ^= 0x80;
    assert!(cipher.decrypt(&Array::from(nonce), Payload { msg: &tampered, aad: &aad }).is_err());
    assert!(cipher.decrypt(&Array::from(nonce), Payload { msg: &sealed, aad: b"other" }).is_err());
}

// SM2 ---------------------------------------------------------------------------------------------------------

/// GM/T 0003.5-2012 (GB/T 32918.5-2017) appendix A: a signature on the recommended curve with the default
/// distinguishing ID. Signing uses a random k, so the published (r, s) is checked by verification, in the
/// crate and through govit's own `AuditPublicKey`.
#[test]
fn sm2_standard_example_signature_verifies() {
    let private = unhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8");
    let public_x = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020";
    let public_y = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
    let r = unhex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3");
    let s = unhex("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA");
    let message = b"message digest";

    let signing = SigningKey::from_slice(DISTID, &private).unwrap();
    let verifying = signing.verifying_key();
    let sec1 = verifying.to_sec1_bytes();
    assert_eq!(hex::encode_upper(&sec1[..]), format!("04{public_x}{public_y}"));

    let signature = Signature::from_slice(&[r, s].concat()).unwrap();
    assert!(verifying.verify(message, &signature).is_ok());
    assert!(verifying.verify(b"message digesT", &signature).is_err());

    let pem = sm2::PublicKey::from_sec1_bytes(&sec1).unwrap().to_public_key_pem(LineEnding::LF).unwrap();
    let govit = AuditPublicKey::from_pem(&pem).unwrap();
    assert!(govit.verify(message, signature.to_der().as_bytes()));
    assert!(!govit.verify(b"message digesT", signature.to_der().as_bytes()));
}

// OpenSSL cross-checks ----------------------------------------------------------------------------------------

/// Runs openssl with `input` on stdin; returns stdout, failing the test with stderr if it fails.
fn openssl_run(args: &[&str], input: &[u8], dir: &Path) -> Vec<u8> {
    let mut child = Process::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Inputs of several lengths around SM3's 64-byte block, and the standard examples.
fn samples() -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new(), b"abc".to_vec(), b"abcd".repeat(16), "政务信息化项目".as_bytes().to_vec()];
    for len in [55usize, 56, 63, 64, 65, 1000] {
        out.push((0..len).map(|i| u8::try_from(i * 31 % 251).unwrap()).collect());
    }
    out
}

#[test]
fn sm3_agrees_with_openssl() {
    if !govit_store::testing::openssl("the OpenSSL cross-checks of SM2/SM3/SM4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for sample in samples() {
        let digest = openssl_run(&["dgst", "-sm3", "-binary"], &sample, dir.path());
        assert_eq!(hex::encode(digest), sm3_hex(&sample), "{} bytes", sample.len());
    }
}

#[test]
fn sm4_agrees_with_openssl() {
    if !govit_store::testing::openssl("the OpenSSL cross-checks of SM2/SM3/SM4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys = [sm4_key(), [0u8; 16], *b"govit-sm4-key-16"];
    for key in keys {
        for sample in samples().into_iter().filter(|s| !s.is_empty()) {
            // Whole blocks only (ECB without padding): the block cipher itself is compared.
            let blocks: Vec<u8> = sample.iter().copied().cycle().take(sample.len().div_ceil(16) * 16).collect();
            let theirs = openssl_run(&["enc", "-sm4-ecb", "-nopad", "-K", &hex::encode(key)], &blocks, dir.path());
            let ours: Vec<u8> =
                blocks.chunks_exact(16).flat_map(|c| sm4_encrypt_block(&key, c.try_into().unwrap())).collect();
            assert_eq!(hex::encode(theirs), hex::encode(ours), "key {}, {} bytes", hex::encode(key), blocks.len());
        }
    }
}

#[test]
fn an_sm2_signature_made_by_govit_verifies_with_openssl() {
    if !govit_store::testing::openssl("the OpenSSL cross-checks of SM2/SM3/SM4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = AuditKey::load_or_create(&d.join("audit-key.pem")).unwrap();
    let message = "govit checkpoint\nseq=42\nhead=66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n";
    std::fs::write(d.join("pub.pem"), &key.public_pem).unwrap();
    std::fs::write(d.join("m.txt"), message).unwrap();
    std::fs::write(d.join("m.sig"), key.sign(message.as_bytes())).unwrap();
    let verify = |file: &str| {
        Process::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3"])
            .args(["-pkeyopt", &format!("distid:{DISTID}"), "-in", file, "-sigfile", "m.sig"])
            .current_dir(d)
            .output()
            .unwrap()
    };
    let good = verify("m.txt");
    assert!(
        good.status.success(),
        "{}{}",
        String::from_utf8_lossy(&good.stdout),
        String::from_utf8_lossy(&good.stderr)
    );
    std::fs::write(d.join("other.txt"), message.replace("42", "43")).unwrap();
    assert!(!verify("other.txt").status.success(), "a changed message must not verify");
}

#[test]
fn an_sm2_signature_made_by_openssl_verifies_in_govit() {
    if !govit_store::testing::openssl("the OpenSSL cross-checks of SM2/SM3/SM4") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| openssl_run(args, b"", d);
    run(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "k.pem"]);
    run(&["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"]);
    let message = "项目 wuhan-2022-0001 验收备案\n";
    std::fs::write(d.join("m.txt"), message).unwrap();
    let distid = format!("distid:{DISTID}");
    run(&[
        "pkeyutl", "-sign", "-in", "m.txt", "-inkey", "k.pem", "-rawin", "-digest", "sm3", "-pkeyopt", &distid, "-out",
        "m.sig",
    ]);
    let key = AuditPublicKey::read(&d.join("pub.pem")).unwrap();
    let signature = std::fs::read(d.join("m.sig")).unwrap();
    assert!(key.verify(message.as_bytes(), &signature));
    assert!(!key.verify("项目 wuhan-2022-0002 验收备案\n".as_bytes(), &signature));
}
