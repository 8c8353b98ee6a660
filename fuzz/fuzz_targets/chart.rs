//! Chart rendering on small tables (the decoding lives in fuzz/chart_input.rs, which the stable
//! replay of saved inputs shares). Any outcome is fine except a panic, a hang or a blow-up.

#![no_main]

#[path = "../chart_input.rs"]
mod chart_input;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| chart_input::exercise(data));
