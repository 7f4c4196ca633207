//! Seeing a service's error as a `dyn Error`, to walk its chain.

use std::error::Error;

/// How to see a service's error as a `dyn Error`, to walk its chain.
///
/// Sealed: implemented by this module's two markers only, [`TypedError`] for every
/// `E: Error + 'static` and [`BoxedError`] for `Box<dyn Error + Send + Sync>`, which does not
/// implement `Error` itself. A [`RetryPolicy`](crate::retry::RetryPolicy) takes one as its
/// type parameter, and each mode of the connector layer names one
/// ([`Mode::View`](crate::connect::Mode::View)).
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

/// The service's error type implements `Error`: `io::Error`, hyper-util's connect error.
///
/// ```
/// # #[cfg(feature = "retry")] {
/// use wsa_trace::map::TypedError;
/// use wsa_trace::retry::RetryPolicy;
///
/// let policy: RetryPolicy<TypedError> = RetryPolicy::new();
/// # let _ = policy; }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TypedError;

/// The service's error is a `Box<dyn Error + Send + Sync>` (tower's `BoxError`), as behind a
/// `tower::buffer` or reqwest's connector layer.
///
/// ```
/// # #[cfg(feature = "retry")] {
/// use wsa_trace::map::BoxedError;
/// use wsa_trace::retry::RetryPolicy;
///
/// let policy: RetryPolicy<BoxedError> = RetryPolicy::boxed();
/// # let _ = policy; }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BoxedError;

impl sealed::Sealed for TypedError {}

impl sealed::Sealed for BoxedError {}

impl<E: Error + 'static> ErrorView<E> for TypedError {
    fn error(err: &E) -> &(dyn Error + 'static) {
        err
    }
}

impl ErrorView<Box<dyn Error + Send + Sync>> for BoxedError {
    fn error(err: &Box<dyn Error + Send + Sync>) -> &(dyn Error + 'static) {
        &**err
    }
}

pub(crate) mod sealed {
    /// Keeps [`ErrorView`](super::ErrorView) and the connector modes to this crate's own
    /// types: new methods can be added without breaking anyone.
    #[allow(unreachable_pub)] // public in name only: the module is the crate's own
    pub trait Sealed {}
}
