//! The plan's index spaces, each its own type: a task's place in the model and in the plan, its
//! slot in the fast kernel, a risk, a calendar table, a correlated draw and a checkpoint. Each
//! is a `u32` at run time; [`IdVec`] is an array indexed by one of them only, so indexing an
//! array with the wrong kind of index does not compile.
//!
//! A leaf: it depends on no other module of the engine.

use std::marker::PhantomData;
use std::ops::{Index, IndexMut, Range};

/// An index into one kind of array.
pub(crate) trait Id: Copy {
    /// The index as a `usize`.
    fn index(self) -> usize;
    /// The `i`-th index (plans hold fewer than 2³² of anything).
    fn from_index(i: usize) -> Self;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) struct $name(u32);

        impl Id for $name {
            #[inline(always)]
            fn index(self) -> usize {
                self.0 as usize
            }

            #[inline(always)]
            fn from_index(i: usize) -> Self {
                debug_assert!(i < u32::MAX as usize);
                $name(i as u32)
            }
        }
    )*};
}

ids! {
    /// A task by its place in the model's task list (the order of the results).
    TaskId;
    /// A task by its place in the plan's topological order (the full kernel's index).
    Pos;
    /// A task's slot in the fast kernel's compact arrays, reused once its last reader has run.
    Slot;
    /// A risk, in model order.
    RiskId;
    /// A working-time calendar table of the plan.
    CalendarId;
    /// A correlated uniform of a lane group (a correlated task duration or plant ramp).
    DrawSlot;
    /// An instant at which cumulative deliveries and spend are kept (a year boundary or a
    /// promise date).
    Checkpoint;
}

impl Pos {
    /// The next position.
    #[inline(always)]
    pub(crate) fn next(self) -> Pos {
        Pos(self.0 + 1)
    }

    /// Positions `range.start ..range.end`.
    #[inline(always)]
    pub(crate) fn range(range: Range<Pos>) -> impl Iterator<Item = Pos> {
        (range.start.0..range.end.0).map(Pos)
    }
}

/// A row of the kernel's per-task working arrays: the task's position in the full kernel,
/// its slot in the fast one (which keeps only what later tasks read).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row(u32);

impl Row {
    /// The row of the task at `pos` in the full kernel.
    #[inline(always)]
    pub(crate) fn full(pos: Pos) -> Row {
        Row(pos.0)
    }

    /// The row of the task in fast-kernel slot `slot` in the fast kernel.
    #[inline(always)]
    pub(crate) fn fast(slot: Slot) -> Row {
        Row(slot.0)
    }
}

impl Id for Row {
    #[inline(always)]
    fn index(self) -> usize {
        self.0 as usize
    }

    #[inline(always)]
    fn from_index(i: usize) -> Self {
        Row(i as u32)
    }
}

/// The position that drove a task's start (or the headline), or none: a [`Pos`] with a
/// niche, so a lane of them stays a lane of `u32` for the kernel's branch-free selects.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Driver(u32);

impl Driver {
    /// No driver: the task starts at its earliest start, or never.
    pub(crate) const NONE: Driver = Driver(u32::MAX);

    /// The driving position, if any.
    #[inline(always)]
    pub(crate) fn pos(self) -> Option<Pos> {
        (self != Driver::NONE).then_some(Pos(self.0))
    }
}

impl From<Pos> for Driver {
    #[inline(always)]
    fn from(pos: Pos) -> Driver {
        Driver(pos.0)
    }
}

/// An array indexed by one kind of [`Id`] only.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IdVec<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I) -> I>,
}

impl<I, T> Default for IdVec<I, T> {
    fn default() -> Self {
        IdVec {
            items: Vec::new(),
            id: PhantomData,
        }
    }
}

impl<I: Id, T> IdVec<I, T> {
    /// `n` copies of `value`.
    pub(crate) fn filled(value: T, n: usize) -> Self
    where
        T: Clone,
    {
        vec![value; n].into()
    }

    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Appends `value` and returns its index.
    pub(crate) fn push(&mut self, value: T) -> I {
        self.items.push(value);
        I::from_index(self.items.len() - 1)
    }

    /// Every index, in order.
    pub(crate) fn ids(&self) -> impl DoubleEndedIterator<Item = I> + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Every index with its value.
    pub(crate) fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_index(i), t))
    }

    /// The values in index order.
    #[inline(always)]
    pub(crate) fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// The values in index order.
    #[inline(always)]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.items
    }
}

impl<I, T> From<Vec<T>> for IdVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        IdVec {
            items,
            id: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        Vec::from_iter(iter).into()
    }
}

impl<I: Id, T> Index<I> for IdVec<I, T> {
    type Output = T;

    #[inline(always)]
    fn index(&self, i: I) -> &T {
        &self.items[i.index()]
    }
}

impl<I: Id, T> IndexMut<I> for IdVec<I, T> {
    #[inline(always)]
    fn index_mut(&mut self, i: I) -> &mut T {
        &mut self.items[i.index()]
    }
}

impl<'a, I, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
