//! Walking an error chain to the `io::Error` that explains it.

use std::error::Error;
use std::io;

use super::Mapping;

/// How many errors the walk looks at, the outermost included, so that a cyclic chain cannot
/// hang it.
const MAX_DEPTH: usize = 32;

/// The errors of a chain, outermost first: through `source()`, and into
/// `io::Error::get_ref()`, since an `io::Error`'s own `source()` skips its payload.
pub(crate) fn links<'a>(
    err: &'a (dyn Error + 'static),
) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    let mut next = Some(err);
    std::iter::from_fn(move || {
        let e = next?;
        next = match e.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn Error + 'static)),
            None => e.source(),
        };
        Some(e)
    })
    .take(MAX_DEPTH)
}

/// The `io::Error`s of a chain, outermost first.
fn io_errors<'a>(err: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a io::Error> {
    links(err).filter_map(|e| e.downcast_ref::<io::Error>())
}

/// The `io::Error` in a chain that best explains it: the first with an OS code, else the first
/// one at all.
///
/// ```
/// use std::io;
/// use wsa_trace::map::find_io_error;
///
/// let inner = io::Error::from_raw_os_error(libc::ECONNREFUSED);
/// let outer = io::Error::new(io::ErrorKind::Other, inner);
/// let found = find_io_error(&outer).unwrap();
/// assert_eq!(found.raw_os_error(), Some(libc::ECONNREFUSED));
/// ```
pub fn find_io_error<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a io::Error> {
    let mut first = None;
    for io in io_errors(err) {
        if io.raw_os_error().is_some() {
            return Some(io);
        }
        first.get_or_insert(io);
    }
    first
}

/// Maps a chain: an OS code anywhere wins, then the first `io::Error` whose kind or text gives
/// a code, then the first `io::Error` with no code.
///
/// The first pass reads only `raw_os_error()`, so an OS error wrapped in another `io::Error`
/// (`io::Error::new(kind, os_error)`) is found without formatting anything: the resolver-text
/// probe of the second pass formats an error's message, which for an OS error means strerror
/// into a `String`.
pub(super) fn map_chain(err: &(dyn Error + 'static)) -> Option<Mapping> {
    if let Some(m) = io_errors(err).find_map(Mapping::from_os) {
        return Some(m);
    }
    let mut best: Option<Mapping> = None;
    for io in io_errors(err) {
        let m = Mapping::single(io);
        let better = match &best {
            None => true,
            Some(b) => b.entry.is_none() && m.entry.is_some(),
        };
        if better {
            best = Some(m);
        }
    }
    best
}
