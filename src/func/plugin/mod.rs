//! `evaluate` plugins that reshape a whole table: each is a function from the input table (and
//! its bound, constant arguments) to the output table. `bind` runs the plugin's input when the
//! output's schema depends on the data (`bag_unpack`, `pivot`), and uses these functions for the
//! rows. Each asks the query's [`crate::budget::Meter`] as it goes (every so many input rows,
//! loop steps and output rows, through `Meter::check_every` or a [`crate::budget::Pacer`]), so a kernel over
//! a large input stops at `--timeout`, `--max-memory` or a cancel as any operator does. Its own
//! errors are [`invalid`] messages, which the plan places at the call.

use crate::error::{Error, ErrorKind};

/// A plugin's complaint about its arguments or its data.
pub fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Semantic(message.into()))
}

pub mod active_users;
pub mod activity;
pub mod activity_engagement;
pub mod activity_metrics;
pub mod bag_unpack;
pub mod basket;
pub mod diffpatterns;
pub mod funnel_completion;
pub mod funnel_sequence;
pub mod geo_lookup;
pub mod intersect;
pub mod itemsets;
pub mod narrow;
pub mod new_activity_metrics;
pub mod pivot;
pub mod rolling;
pub mod rows_near;
pub mod sequence_detect;
pub mod session_count;
pub mod timeline;
