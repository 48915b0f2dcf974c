//! AI contracts and bids: the AI compute market converted sites sell into, the contracts signed
//! (colocation or GPU cloud, with their locked revenue and tenor), this month's conversion
//! bids with the month of the last clearing, and the AI options valued at the last decision.
//!
//! A contract's revenue accrues from energization to the end of its tenor (or its default),
//! settled at its owner's decisions ([`AiBook::accrue`]); an ended contract stays in its site's
//! list until settled.

use hashshift_models::ai::{AiMarket, AiMarketParams};
use hashshift_models::firms::valuation::AiValue;
use hashshift_models::firms::Ledger;

/// Colocation or cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContractKind {
    Colocation,
    Cloud,
}

impl ContractKind {
    /// The kind's name in the events table.
    pub fn name(self) -> &'static str {
        match self {
            ContractKind::Colocation => "colocation",
            ContractKind::Cloud => "cloud",
        }
    }
}

/// An AI contract.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Contract {
    pub site: u32,
    pub kind: ContractKind,
    /// Gross MW it occupies.
    pub gross_mw: f64,
    /// MW of critical IT.
    pub it_mw: f64,
    /// Revenue per MW of critical IT per year, USD (locked).
    pub revenue_usd_per_mw_year: f64,
    /// Start of revenue (energization), days since the run start.
    pub start_days: f64,
    /// End of the tenor, days since the run start.
    pub end_days: f64,
    /// Still running (not ended or defaulted).
    pub active: bool,
    /// Energized (conversion complete).
    pub energized: bool,
    /// Revenue accounted up to, days.
    pub accounted_days: f64,
    /// Signed with a conversion (energizing moves MW from converting to AI), not a re-let.
    pub from_conversion: bool,
    /// Construction debt of the conversion, USD (moved to project debt, with capitalized
    /// interest, at energization).
    pub construction_debt: f64,
}

/// A firm's bid to convert a site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bid {
    pub firm: u32,
    pub site: u32,
    /// Gross MW asked for.
    pub mw: f64,
    pub kind: ContractKind,
    /// Locked revenue, USD per MW of critical IT per year.
    pub revenue_usd_per_mw_year: f64,
    pub tenor_years: f64,
    /// Capex per gross MW, USD.
    pub capex_per_mw: f64,
    /// Surplus over the hurdle per gross MW, USD (the bid's rank).
    pub surplus_per_mw: f64,
    /// The firm's hurdle (reported with the conversion).
    pub hurdle: f64,
}

/// What an AI option's value depends on at a decision: (firm, time, colocation rate, cloud
/// revenue), bits of the `f64`s.
pub(crate) type ValueKey = (u32, u64, u64, u64);

/// The AI options valued at the last decision: colocation by [`ValueKey`], cloud by that key
/// and the energy price (bits).
#[derive(Debug, Clone, Copy, Default)]
struct AiValueMemo {
    colocation: Option<(ValueKey, AiValue)>,
    cloud: Option<((ValueKey, u64), AiValue)>,
}

/// The value in `slot` if it was computed for `key`, else `value()`, kept in `slot`.
fn memo<K: PartialEq + Copy>(
    slot: &mut Option<(K, AiValue)>,
    key: K,
    value: impl FnOnce() -> AiValue,
) -> AiValue {
    match *slot {
        Some((k, v)) if k == key => v,
        _ => {
            let v = value();
            *slot = Some((key, v));
            v
        }
    }
}

/// The AI market, the contracts (by index), the bids and the option values.
#[derive(Debug, Clone)]
pub(crate) struct AiBook {
    market: Option<AiMarket>,
    contracts: Vec<Contract>,
    /// This month's conversion bids (cleared on the first day of the next month).
    bids: Vec<Bid>,
    /// Month (year x 12 + month) of the last bid clearing.
    cleared_month: i64,
    values: AiValueMemo,
}

impl AiBook {
    /// A book over `market` (None: no AI market, nobody converts).
    pub fn new(market: Option<AiMarket>) -> Self {
        Self {
            market,
            contracts: Vec::new(),
            bids: Vec::new(),
            cleared_month: i64::MIN,
            values: AiValueMemo::default(),
        }
    }

    /// The AI market, if there is one.
    pub fn market(&self) -> Option<&AiMarket> {
        self.market.as_ref()
    }

    /// Sets the AI demand and rate shock multipliers (validated factors).
    pub fn set_factors(&mut self, demand: f64, rate: f64) {
        if let Some(m) = &mut self.market {
            m.set_demand_factor(demand).expect("validated factor");
            m.set_rate_factor(rate).expect("validated factor");
        }
    }

    /// Contract `c`.
    pub fn contract(&self, c: usize) -> &Contract {
        &self.contracts[c]
    }

    /// Signs `contract` (its IT MW join the market's contracted supply); returns its index.
    pub fn sign(&mut self, contract: Contract) -> u32 {
        let c = self.contracts.len() as u32;
        self.contracts.push(contract);
        self.market
            .as_mut()
            .expect("market")
            .add_contracted(contract.it_mw);
        c
    }

    /// Records the construction loan of conversion contract `c`, USD.
    pub fn set_construction_debt(&mut self, c: usize, usd: f64) {
        self.contracts[c].construction_debt = usd;
    }

    /// The creditors wrote off contract `c`'s construction loan.
    pub fn write_off_construction(&mut self, c: usize) {
        self.contracts[c].construction_debt = 0.0;
    }

    /// Contract `c` is energized at `now_days`: its revenue accrues from then.
    pub fn energized(&mut self, c: usize, now_days: f64) {
        self.contracts[c].energized = true;
        self.contracts[c].accounted_days = now_days;
    }

    /// Ends contract `c` at `now_days` (at the latest its tenor's end); its IT MW leave the
    /// contracted supply. Returns the contract as it was, or None if it had ended already.
    pub fn end(&mut self, c: usize, now_days: f64) -> Option<Contract> {
        let ct = self.contracts[c];
        if !ct.active {
            return None;
        }
        self.contracts[c].active = false;
        self.contracts[c].end_days = ct.end_days.min(now_days);
        self.market
            .as_mut()
            .expect("market")
            .add_contracted(-ct.it_mw);
        Some(ct)
    }

    /// MW of the energized contracts still running among `contracts` (indices).
    pub fn served_mw(&self, contracts: &[u32]) -> f64 {
        contracts
            .iter()
            .map(|&c| &self.contracts[c as usize])
            .filter(|c| c.active && c.energized)
            .map(|c| c.gross_mw)
            .sum()
    }

    /// Yearly revenue of the running contracts among `contracts` (indices), USD.
    pub fn running_revenue_usd_per_year(&self, contracts: &[u32]) -> f64 {
        contracts
            .iter()
            .map(|&c| &self.contracts[c as usize])
            .filter(|c| c.active)
            .map(|c| c.revenue_usd_per_mw_year * c.it_mw)
            .sum()
    }

    /// Adds the revenue and costs of a site's energized `contracts` up to `now_days` to `l`
    /// (`energy_usd_per_kwh`: what the site pays, for the GPUs' power; `p`: the market's
    /// terms): colocation at its NOI margin, cloud less its opex share and power. Contracts
    /// ended and settled leave the list.
    pub fn accrue(
        &mut self,
        contracts: &mut Vec<u32>,
        now_days: f64,
        energy_usd_per_kwh: f64,
        p: Option<&AiMarketParams>,
        l: &mut Ledger,
    ) {
        let all = &mut self.contracts;
        contracts.retain(|&c| {
            let ct = &mut all[c as usize];
            if ct.energized {
                let from = ct.accounted_days.max(ct.start_days);
                let to = now_days.min(ct.end_days);
                if to > from {
                    let years = (to - from) / 365.25;
                    let rev = ct.revenue_usd_per_mw_year * ct.it_mw * years;
                    let p = p.expect("contracts exist only with a market");
                    match ct.kind {
                        ContractKind::Colocation => {
                            l.colo_revenue += rev;
                            l.opex += (1.0 - p.noi_margin) * rev;
                        }
                        ContractKind::Cloud => {
                            l.cloud_revenue += rev;
                            l.opex += p.cloud_opex_share * rev
                                + ct.gross_mw
                                    * 1000.0
                                    * 8_766.0
                                    * years
                                    * p.gpu_utilization
                                    * energy_usd_per_kwh;
                        }
                    }
                }
                ct.accounted_days = ct.accounted_days.max(to);
            }
            ct.active || ct.accounted_days < ct.end_days
        });
    }

    /// Files a conversion bid for this month's clearing.
    pub fn bid(&mut self, bid: Bid) {
        self.bids.push(bid);
    }

    /// Whether `month` (year x 12 + month) starts a new month since the last call, with a
    /// previous month's bids to clear.
    pub fn new_month(&mut self, month: i64) -> bool {
        if month == self.cleared_month {
            return false;
        }
        let had_month = self.cleared_month != i64::MIN;
        self.cleared_month = month;
        had_month
    }

    /// This month's bids, best surplus first (ties by firm and site), taken out of the book
    /// (give the emptied buffer back with [`AiBook::return_bids`]).
    pub fn take_bids(&mut self) -> Vec<Bid> {
        let mut bids = std::mem::take(&mut self.bids);
        bids.sort_by(|a, b| {
            b.surplus_per_mw
                .total_cmp(&a.surplus_per_mw)
                .then(a.firm.cmp(&b.firm))
                .then(a.site.cmp(&b.site))
        });
        bids
    }

    /// Gives back the bid buffer taken by [`AiBook::take_bids`] (emptied).
    pub fn return_bids(&mut self, mut bids: Vec<Bid>) {
        bids.clear();
        self.bids = bids;
    }

    /// Colocation's value for `key`, remembered from the last decision or `value()`.
    pub fn colocation_value(&mut self, key: ValueKey, value: impl FnOnce() -> AiValue) -> AiValue {
        memo(&mut self.values.colocation, key, value)
    }

    /// Cloud's value for `key` at energy price bits `energy`, remembered or `value()`.
    pub fn cloud_value(
        &mut self,
        key: ValueKey,
        energy: u64,
        value: impl FnOnce() -> AiValue,
    ) -> AiValue {
        memo(&mut self.values.cloud, (key, energy), value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> AiMarketParams {
        AiMarketParams::default()
    }

    fn contract(kind: ContractKind, start_days: f64, end_days: f64) -> Contract {
        Contract {
            site: 0,
            kind,
            gross_mw: 10.0,
            it_mw: 8.0,
            revenue_usd_per_mw_year: 1e6,
            start_days,
            end_days,
            active: true,
            energized: false,
            accounted_days: start_days,
            from_conversion: true,
            construction_debt: 0.0,
        }
    }

    #[test]
    fn contracts_accrue_revenue_while_energized_and_leave_once_settled() {
        let p = params();
        let mut book = AiBook::new(Some(AiMarket::new(p.clone()).unwrap()));
        let c = book.sign(contract(ContractKind::Colocation, 0.0, 730.5)) as usize;
        let mut list = vec![c as u32];
        let mut l = Ledger::default();
        // Not energized: nothing accrues.
        book.accrue(&mut list, 100.0, 0.05, Some(&p), &mut l);
        assert_eq!(l, Ledger::default());
        book.energized(c, 365.25);
        book.accrue(&mut list, 730.5, 0.05, Some(&p), &mut l);
        assert!((l.colo_revenue - 8e6).abs() < 1e-6);
        assert!((l.opex - (1.0 - p.noi_margin) * 8e6).abs() < 1e-6);
        assert_eq!(book.served_mw(&list), 10.0);
        assert_eq!(book.running_revenue_usd_per_year(&list), 8e6);
        // Ended and settled: it leaves the list; a second end does nothing.
        assert!(book.end(c, 800.0).is_some());
        assert!(book.end(c, 900.0).is_none());
        assert_eq!(book.contract(c).end_days, 730.5);
        assert_eq!(book.served_mw(&list), 0.0);
        book.accrue(&mut list, 800.0, 0.05, Some(&p), &mut l);
        assert!(list.is_empty());
    }

    #[test]
    fn bids_clear_best_surplus_first_once_a_month() {
        let mut book = AiBook::new(None);
        assert!(!book.new_month(100), "no earlier month to clear");
        assert!(!book.new_month(100));
        let bid = |firm, site, surplus_per_mw| Bid {
            firm,
            site,
            mw: 1.0,
            kind: ContractKind::Cloud,
            revenue_usd_per_mw_year: 1.0,
            tenor_years: 1.0,
            capex_per_mw: 1.0,
            surplus_per_mw,
            hurdle: 1.0,
        };
        book.bid(bid(2, 0, 5.0));
        book.bid(bid(1, 3, 9.0));
        book.bid(bid(1, 2, 5.0));
        assert!(book.new_month(101));
        let bids = book.take_bids();
        let order: Vec<(u32, u32)> = bids.iter().map(|b| (b.firm, b.site)).collect();
        assert_eq!(order, vec![(1, 3), (1, 2), (2, 0)]);
        book.return_bids(bids);
        assert!(book.take_bids().is_empty());
        // Without a market, shocks change nothing.
        book.set_factors(2.0, 0.5);
        assert!(book.market().is_none());
    }
}
