//! The `wsa` command line tool: lookups, listings, JSON output, and explaining the socket errors
//! in logs.

#[path = "../support/mod.rs"]
mod support;

mod corpus;
mod explain;
mod lookup;
mod schema;
