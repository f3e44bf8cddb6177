//! The Excel import (`POST /api/v1/exchange/proposals`, `govit exchange import`): any bytes as an uploaded
//! proposal sheet must import or give an `ImportError`, never a panic. The bytes go to the import as they are
//! (zip, XML, sheets, cells: calamine's reading and govit's); see `govit_fuzz::import` for the app they go to.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    govit_fuzz::import(data);
});
