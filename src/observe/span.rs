//! The span that declares every field an observer records.

/// Creates a span that declares every field an [`Observer`](crate::Observer) records, for use
/// with [`Observer::record_on_span`](crate::Observer::record_on_span). Takes a level and a
/// name, then any fields of your own.
///
/// ```
/// use wsa_trace::socket_span;
///
/// let span = socket_span!(tracing::Level::INFO, "fetch", url = "http://127.0.0.1:1/");
/// let _guard = span.enter();
/// ```
#[cfg(feature = "tracing")]
#[macro_export]
macro_rules! socket_span {
    ($level:expr, $name:expr $(, $($fields:tt)*)?) => {
        $crate::__wsa_fields!([$crate::__socket_span] { $level, $name, [$($($fields)*)?] })
    };
}

/// [`socket_span!`] with the field list: every field of its `error`, `detail`, `retry_span`
/// and `connect` groups declared empty, then the caller's own.
#[doc(hidden)]
#[macro_export]
macro_rules! __socket_span {
    (
        { $level:expr, $name:expr, [$($fields:tt)*] }
        error: { $([$($name_:ident).+] $value:ident $example:literal $meaning:literal $($also:ident)*;)* }
        detail: { $([$($dname:ident).+] $dvalue:ident $dexample:literal $dmeaning:literal;)* }
        event: { $($event:tt)* }
        retry_span: { $([$($rname:ident).+] $rvalue:ident $rexample:literal $rmeaning:literal;)* }
        retry_event: { $($retry_event:tt)* }
        summary: { $($summary:tt)* }
        explain: { $($explain:tt)* }
        connect: { $([$($cname:ident).+] $cvalue:ident $cexample:literal $cmeaning:literal;)* }
    ) => {
        $crate::__private::tracing::span!(
            $level,
            $name,
            $($($name_).+ = $crate::__private::tracing::field::Empty,)*
            $($($dname).+ = $crate::__private::tracing::field::Empty,)*
            $($($rname).+ = $crate::__private::tracing::field::Empty,)*
            $($($cname).+ = $crate::__private::tracing::field::Empty,)*
            $($fields)*
        )
    };
}
