//! Files on disk → catalog tables: raw flow logs (one reader per format) and table files.
