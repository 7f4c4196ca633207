//! Seeing a service's error as a `dyn Error`, to walk its chain.

use std::error::Error;

/// How to see a service's error as a `dyn Error`, to walk its chain.
///
/// Sealed: implemented by the connector layer's modes only,
/// [`Wrap`](crate::connect::Wrap) for every `E: Error + 'static` and
/// [`ObserveOnly`](crate::connect::ObserveOnly) for `Box<dyn Error + Send + Sync>`, which does
/// not implement `Error` itself.
///
/// ```compile_fail
/// // Sealed: a type of another crate cannot implement it.
/// struct Mine;
/// impl wsa_trace::map::ErrorView<std::io::Error> for Mine {
///     fn error(err: &std::io::Error) -> &(dyn std::error::Error + 'static) {
///         err
///     }
/// }
/// ```
pub trait ErrorView<E>: sealed::Sealed {
    /// The error as a `dyn Error`.
    fn error(err: &E) -> &(dyn Error + 'static);
}

pub(crate) mod sealed {
    /// Keeps [`ErrorView`](super::ErrorView), and the connector modes built on it, to this
    /// crate's own types: new methods can be added without breaking anyone.
    #[allow(unreachable_pub)] // public in name only: the module is the crate's own
    pub trait Sealed {}
}
