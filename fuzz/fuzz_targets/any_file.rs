//! Any bytes as an export file: decoding, format detection, parsing, records. Nothing may panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use litscope::import::{RecordBuilder, read_file};

fuzz_target!(|data: &[u8]| {
    let mut builder = RecordBuilder::new("fuzz", "run", "0", jiff::Timestamp::UNIX_EPOCH);
    let _ = read_file("fuzz", data.to_vec(), &mut builder, &mut |_| {});
});
