//! The event queue: a binary min-heap keyed by (time, sequence number), beside FIFO lanes for
//! the agents' events.
//!
//! Events at equal times come out in the order they were scheduled (the sequence number is a
//! global counter), which makes the simulation deterministic without relying on the heap's
//! internal order. Times are [`SimTime`]s (seconds since the scenario start) and must not be
//! NaN.
//!
//! # Lanes
//! Most events are agent events scheduled a fixed delay after the event that schedules them
//! (a firm's next decision one interval after this one, a delivery one of two lead times
//! after the order, an energization one lead time after the signing): the events of one
//! delay arrive in time order. An agent event goes to the FIFO lane whose last event is the
//! latest not after it (so events of one delay keep to one lane), or to an empty lane, or,
//! when it is earlier than every lane's last event, to the heap. Each lane is then sorted by
//! (time, seq) like the heap, and [`EventQueue::pop`] takes the earliest of the heap's top and
//! the lanes' fronts: the order is exactly the one a single heap gives, while the heap keeps
//! only the events that arrive out of order (ticks, the first staggered round of decisions)
//! and stays small with thousands of firms. The simulation keeps its one pending block
//! outside the queue, stamped with a sequence number ([`EventQueue::stamp`]), and
//! [`EventQueue::pop_before`] gives it in its place in the same order.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::clock::SimTime;
use super::event::Event;

/// An event with its firing time and scheduling sequence number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheduled {
    /// Firing time.
    pub time: SimTime,
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

/// Number of FIFO lanes for agent events.
const LANES: usize = 8;

/// Whether an event may go to a lane (agent events).
#[inline]
fn laned(event: &Event) -> bool {
    matches!(
        event,
        Event::FirmDecision { .. }
            | Event::AsicDelivery { .. }
            | Event::ConversionComplete { .. }
            | Event::ContractEnd { .. }
    )
}

/// Min-priority queue of events.
#[derive(Debug, Clone)]
pub struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    lanes: [VecDeque<Scheduled>; LANES],
    /// Time of each lane's last event, seconds, `-inf` for an empty lane (one cache line to
    /// scan).
    last: [f64; LANES],
    /// The lane with the earliest front (`None`: all lanes empty), kept up to date so that a
    /// pop from the heap compares with one lane front, not all.
    first_lane: Option<usize>,
    next_seq: u64,
}

impl Default for EventQueue {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl EventQueue {
    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: BinaryHeap::with_capacity(capacity),
            lanes: Default::default(),
            last: [f64::NEG_INFINITY; LANES],
            first_lane: None,
            next_seq: 0,
        }
    }

    /// `event` at `time` with the next sequence number, for the caller to keep outside the
    /// queue (the simulation's single pending block): [`EventQueue::pop_before`] returns it in
    /// its place in the order.
    pub fn stamp(&mut self, time: SimTime, event: Event) -> Scheduled {
        debug_assert!(!time.is_nan(), "event time is NaN");
        let seq = self.next_seq;
        self.next_seq += 1;
        Scheduled { time, seq, event }
    }

    /// Schedules `event` at `time` (must not be NaN).
    pub fn schedule(&mut self, time: SimTime, event: Event) {
        let e = self.stamp(time, event);
        let time = time.secs();
        if laned(&event) {
            // A later seq keeps a lane in order unless it is earlier in time: the lane whose
            // last event is the latest not after `time`, else an empty one (`-inf`).
            let mut fit: Option<usize> = None;
            for (l, &last) in self.last.iter().enumerate() {
                if last <= time && fit.is_none_or(|f| last > self.last[f]) {
                    fit = Some(l);
                }
            }
            if let Some(l) = fit {
                self.lanes[l].push_back(e);
                self.last[l] = time;
                if self.lanes[l].len() == 1 && self.lane_front(self.first_lane) < Some(&e) {
                    self.first_lane = Some(l);
                }
                return;
            }
        }
        self.heap.push(e);
    }

    #[inline]
    fn lane_front(&self, lane: Option<usize>) -> Option<&Scheduled> {
        lane.and_then(|l| self.lanes[l].front())
    }

    /// Where the earliest event is: `None` the heap, `Some(l)` lane `l` (an empty queue gives
    /// the heap).
    #[inline]
    fn earliest(&self) -> Option<usize> {
        match (self.heap.peek(), self.lane_front(self.first_lane)) {
            // `Scheduled`'s order is reversed: greater is earlier.
            (Some(h), Some(f)) if f < h => None,
            (_, Some(_)) => self.first_lane,
            _ => None,
        }
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<Scheduled> {
        match self.earliest() {
            None => self.heap.pop(),
            Some(l) => {
                let e = self.lanes[l].pop_front();
                if self.lanes[l].is_empty() {
                    self.last[l] = f64::NEG_INFINITY;
                }
                self.first_lane = (0..LANES)
                    .filter(|&k| !self.lanes[k].is_empty())
                    .max_by(|&a, &b| self.lanes[a][0].cmp(&self.lanes[b][0]));
                e
            }
        }
    }

    /// Removes and returns the earliest of the queue's events and `outside` (a stamped event
    /// kept by the caller, taken from it when it comes first).
    #[inline]
    pub fn pop_before(&mut self, outside: &mut Option<Scheduled>) -> Option<Scheduled> {
        if let Some(o) = *outside {
            // `Scheduled`'s order is reversed: greater is earlier.
            if self.peek().is_none_or(|q| o > *q) {
                *outside = None;
                return Some(o);
            }
        }
        self.pop()
    }

    /// The earliest event, without removing it.
    pub fn peek(&self) -> Option<&Scheduled> {
        match self.earliest() {
            None => self.heap.peek(),
            Some(l) => self.lanes[l].front(),
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() + self.lanes.iter().map(VecDeque::len).sum::<usize>()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: f64) -> SimTime {
        SimTime::from_secs(secs)
    }

    #[test]
    fn an_event_kept_outside_comes_out_in_its_place() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(at(2.0), Event::DailyTick);
        let mut outside = Some(q.stamp(at(2.0), Event::BlockFound { generation: 1 }));
        q.schedule(at(2.0), Event::End);
        q.schedule(at(1.0), Event::HashrateChange);
        let mut order = Vec::new();
        while let Some(e) = q.pop_before(&mut outside) {
            order.push(e.event);
        }
        // Time first, then the stamping order among the scheduled events.
        assert_eq!(
            order,
            vec![
                Event::HashrateChange,
                Event::DailyTick,
                Event::BlockFound { generation: 1 },
                Event::End,
            ]
        );
        assert!(outside.is_none());
        // With nothing queued the outside event still comes out.
        let mut outside = Some(q.stamp(at(9.0), Event::BlockFound { generation: 2 }));
        assert_eq!(q.pop_before(&mut outside).map(|e| e.time), Some(at(9.0)));
        assert_eq!(q.pop_before(&mut outside), None);
    }

    #[test]
    fn orders_by_time_then_scheduling_order() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(at(5.0), Event::DailyTick);
        q.schedule(at(1.0), Event::HashrateChange);
        q.schedule(at(5.0), Event::End);
        q.schedule(at(1.0), Event::BlockFound { generation: 7 });
        let order: Vec<(SimTime, Event)> =
            std::iter::from_fn(|| q.pop().map(|s| (s.time, s.event))).collect();
        assert_eq!(
            order,
            vec![
                (at(1.0), Event::HashrateChange),
                (at(1.0), Event::BlockFound { generation: 7 }),
                (at(5.0), Event::DailyTick),
                (at(5.0), Event::End),
            ]
        );
    }

    /// Agent events in and out of time order, mixed with others: the queue gives the order of
    /// a plain heap.
    #[test]
    fn lanes_give_the_order_of_one_heap() {
        let mut q = EventQueue::with_capacity(8);
        let mut reference = BinaryHeap::new();
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut popped = Vec::new();
        for (seq, round) in (0..2000u32).enumerate() {
            let r = next();
            let event = match r % 6 {
                0 => Event::FirmDecision { firm: round },
                1 => Event::AsicDelivery { order: round },
                2 => Event::ContractEnd { contract: round },
                3 => Event::ConversionComplete { contract: round },
                4 => Event::BlockFound { generation: 1 },
                _ => Event::DailyTick,
            };
            // Mostly increasing times with ties and some out of order.
            let time = at(f64::from(round / 3) + if r % 7 == 0 { -5.0 } else { 0.0 });
            q.schedule(time, event);
            reference.push(Scheduled {
                time,
                seq: seq as u64,
                event,
            });
            if next() % 3 == 0 {
                popped.push((q.pop(), reference.pop()));
            }
        }
        assert_eq!(q.len(), reference.len());
        while let Some(e) = reference.pop() {
            assert_eq!(q.peek().copied(), Some(e));
            popped.push((q.pop(), Some(e)));
        }
        assert!(q.is_empty());
        for (a, b) in popped {
            assert_eq!(a, b);
        }
    }
}
