//! Any bytes through the decoder, the JSON Lines parser and the record builder: nothing may panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use litscope::import::{Format, RecordBuilder, decode, parse};

fuzz_target!(|data: &[u8]| {
    let text = decode::decode(data).text;
    let mut builder = RecordBuilder::new("fuzz", "run", "0", jiff::Timestamp::UNIX_EPOCH);
    parse(Format::Jsonl, &text, &mut |r| {
        if let Ok(entry) = r {
            let _ = builder.build(entry);
        }
    });
});
