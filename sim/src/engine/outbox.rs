//! The outbox: what handlers produce besides state changes, the records (events, firm-month
//! rows) and the events to schedule. The [`Simulation`] owns it and lends it (`&mut Outbox`)
//! to the economy and the agents while they handle an event; after each event that is not a
//! block it moves the scheduled events into the queue and the records to the recorder, in the
//! order they were written (one time-ordered event stream).
//!
//! The event buffer is reserved at construction: a block that records an event (a halving, a
//! switch of difficulty rule) does not allocate.
//!
//! [`Simulation`]: super::Simulation

use super::clock::SimTime;
use super::event::Event;
use super::RunOptions;
use crate::record::{EventKind, EventRecord, FirmMonthRecord, RecordError, Recorder};

/// Records and scheduled events waiting for the simulation to take them.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    /// Events not yet recorded, in the order they happened.
    events: Vec<EventRecord>,
    /// Firm rows not yet recorded.
    firm_rows: Vec<FirmMonthRecord>,
    /// Events to schedule: (when, event).
    scheduled: Vec<(SimTime, Event)>,
    /// Whether firm rows are kept at all ([`RunOptions::firm_rows`]).
    keep_firm_rows: bool,
}

impl Outbox {
    /// An empty outbox for a run with `options`.
    pub fn new(options: RunOptions) -> Self {
        Self {
            // Reserved: the per-block path (a halving) must not allocate.
            events: Vec::with_capacity(64),
            firm_rows: Vec::new(),
            scheduled: Vec::new(),
            keep_firm_rows: options.firm_rows,
        }
    }

    /// Records an event of firm `firm` at site `site`, with its numbers zero, to be filled in.
    pub fn event(
        &mut self,
        time_unix: i64,
        kind: EventKind,
        firm: u32,
        site: u32,
    ) -> &mut EventRecord {
        self.events.push(EventRecord {
            time_unix,
            kind,
            firm: Some(firm),
            site: Some(site),
            mw: 0.0,
            ths: 0.0,
            usd: 0.0,
            detail: "",
            value: 0.0,
        });
        self.events.last_mut().expect("just pushed")
    }

    /// Records a network-level event (shocks, halvings, clamped retargets, fee spikes, price
    /// feedback, scrapped machines): no firm, no site.
    pub fn network_event(
        &mut self,
        time_unix: i64,
        kind: EventKind,
        detail: &'static str,
        value: f64,
    ) -> &mut EventRecord {
        self.events
            .push(EventRecord::network(time_unix, kind, detail, value));
        self.events.last_mut().expect("just pushed")
    }

    /// Events written and not yet sent (tests).
    #[cfg(test)]
    pub fn events_pending(&self) -> usize {
        self.events.len()
    }

    /// Whether firm rows are kept: when not, handlers skip building them.
    pub fn keeps_firm_rows(&self) -> bool {
        self.keep_firm_rows
    }

    /// Records a firm's row (dropped unless [`Outbox::keeps_firm_rows`]).
    pub fn firm_row(&mut self, row: FirmMonthRecord) {
        if self.keep_firm_rows {
            self.firm_rows.push(row);
        }
    }

    /// Asks for `event` at `at`.
    pub fn schedule(&mut self, at: SimTime, event: Event) {
        self.scheduled.push((at, event));
    }

    /// The events to schedule, in the order they were asked for (emptied).
    pub fn drain_scheduled(&mut self) -> std::vec::Drain<'_, (SimTime, Event)> {
        self.scheduled.drain(..)
    }

    /// Sends the records to `recorder`, events first, then firm rows, each in the order
    /// written (emptied).
    pub fn send<R: Recorder + ?Sized>(&mut self, recorder: &mut R) -> Result<(), RecordError> {
        for e in self.events.drain(..) {
            recorder.event(&e)?;
        }
        for r in self.firm_rows.drain(..) {
            recorder.firm_month(&r)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::NullRecorder;

    #[test]
    fn records_leave_in_order_and_firm_rows_only_when_kept() {
        let mut out = Outbox::new(RunOptions { firm_rows: false });
        out.network_event(5, EventKind::Halving, "", 1.0);
        let e = out.event(6, EventKind::AsicSale, 3, 4);
        e.mw = 2.0;
        assert!(!out.keeps_firm_rows());
        assert_eq!(out.events.len(), 2);
        assert_eq!(out.events[1].firm, Some(3));
        assert_eq!(out.events[1].mw, 2.0);
        out.send(&mut NullRecorder).unwrap();
        assert!(out.events.is_empty());

        let (t10, t5) = (SimTime::from_secs(10.0), SimTime::from_secs(5.0));
        out.schedule(t10, Event::DailyTick);
        out.schedule(t5, Event::End);
        let got: Vec<_> = out.drain_scheduled().collect();
        assert_eq!(got, vec![(t10, Event::DailyTick), (t5, Event::End)]);
        assert!(out.drain_scheduled().next().is_none());
    }
}
