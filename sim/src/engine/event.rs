//! The closed set of events the engine processes.

/// Everything that can happen in a run. Retargets and halvings are not events: they are
/// consequences of block height, handled when a block is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The pending block is found. Stale if `generation` differs from the engine's current
    /// block generation (the block was rescheduled after a hashrate change).
    BlockFound {
        /// Generation of the pending-block schedule this event belongs to.
        generation: u64,
    },
    /// The exogenous hashrate path moves to its next step.
    HashrateChange,
    /// Midnight UTC: daily processes and reporting.
    DailyTick,
    /// A firm's monthly decision (staggered per firm).
    FirmDecision {
        /// Firm id.
        firm: u32,
    },
    /// Ordered ASICs arrive.
    AsicDelivery {
        /// Order index.
        order: u32,
    },
    /// A conversion to AI is energized (its contract starts).
    ConversionComplete {
        /// Contract index.
        contract: u32,
    },
    /// An AI contract reaches the end of its tenor.
    ContractEnd {
        /// Contract index.
        contract: u32,
    },
    /// The scenario horizon: the run stops.
    End,
}
