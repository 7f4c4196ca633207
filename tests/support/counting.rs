//! A counting global allocator, one counter per thread, so that tests running in parallel on
//! the harness's threads do not see each other's allocations. A test binary installs it with
//! `#[global_allocator] static GLOBAL: Counting = Counting;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// `System`, counting each allocation (alloc, alloc_zeroed, realloc) on the calling thread.
pub struct Counting;

thread_local! {
    /// Allocations made by this thread. Const-initialised with no destructor, so reading it
    /// from inside the allocator never allocates and never fails.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    /// Bytes this thread asked for, in the same way.
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn count_one(size: usize) {
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
    let _ = BYTES.try_with(|n| n.set(n.get() + size));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees hold; the only addition is a thread-local counter update, which does
// not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one(layout.size());
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one(new_size);
        // SAFETY: `ptr` was allocated by `System` through this allocator, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through this allocator, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations made by this thread while running `f` (counted only where [`Counting`] is the
/// global allocator).
pub fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let ((n, _), out) = allocated(f);
    (n, out)
}

/// Allocations and bytes asked for by this thread while running `f`.
pub fn allocated<R>(f: impl FnOnce() -> R) -> ((usize, usize), R) {
    let before = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    let out = f();
    let after = (ALLOCS.with(Cell::get), BYTES.with(Cell::get));
    ((after.0 - before.0, after.1 - before.1), out)
}
