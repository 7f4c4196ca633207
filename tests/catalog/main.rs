//! The catalog and the mapping, with no feature: every code's row, its generated page and
//! translations, the errno and ErrorKind mapping, the classification, their properties, and
//! the layering of the library's modules.

#[path = "../support/native.rs"]
mod native;
#[path = "../support/registry.rs"]
mod registry;

mod catalog;
mod catalog_doc;
mod classify;
mod errno_numbers;
mod layering;
mod mapping;
mod properties;
mod translations;
