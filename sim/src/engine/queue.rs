//! The event queue: a binary min-heap keyed by (time, sequence number).
//!
//! Events at equal times come out in the order they were scheduled (the sequence number is a
//! global counter), which makes the simulation deterministic without relying on the heap's
//! internal order. Times are simulated seconds since the scenario start and must not be NaN.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::event::Event;

/// An event with its firing time and scheduling sequence number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheduled {
    /// Firing time, seconds since scenario start.
    pub time: f64,
    /// Scheduling order, for ties.
    pub seq: u64,
    /// The event.
    pub event: Event,
}

impl Eq for Scheduled {}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap, the earliest (time, seq) must come out first.
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Min-priority queue of events.
#[derive(Debug, Default, Clone)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    next_seq: u64,
}

impl EventQueue {
    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time` (seconds since scenario start; must not be NaN).
    pub fn schedule(&mut self, time: f64, event: Event) {
        debug_assert!(!time.is_nan(), "event time is NaN");
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { time, seq, event });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<Scheduled> {
        self.heap.pop()
    }

    /// The earliest event, without removing it.
    pub fn peek(&self) -> Option<&Scheduled> {
        self.heap.peek()
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_scheduling_order() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(5.0, Event::DailyTick);
        q.schedule(1.0, Event::HashrateChange);
        q.schedule(5.0, Event::End);
        q.schedule(1.0, Event::BlockFound { generation: 7 });
        let order: Vec<(f64, Event)> =
            std::iter::from_fn(|| q.pop().map(|s| (s.time, s.event))).collect();
        assert_eq!(
            order,
            vec![
                (1.0, Event::HashrateChange),
                (1.0, Event::BlockFound { generation: 7 }),
                (5.0, Event::DailyTick),
                (5.0, Event::End),
            ]
        );
    }
}
