//! The catalog and the mapping, with no feature: every code's row, its generated page and
//! translations, the errno and ErrorKind mapping, the classification and their properties.
//! The layering of the library's modules is `tests/layering.rs`.

#[path = "../support/native.rs"]
mod native;
#[path = "../support/registry.rs"]
mod registry;

mod api_paths;
mod catalog_doc;
mod classify;
mod errno_numbers;
mod mapping;
mod properties;
mod rows;
mod translations;
