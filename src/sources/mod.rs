//! Files on disk → catalog tables: raw flow logs (one reader per format) and table files.
pub mod azure_resource;
pub mod la_export;
pub mod read_issue;
pub mod record_tables;
pub mod topology;
pub mod vpc_flow;
