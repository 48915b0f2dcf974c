//! The secondary ASIC market: the lots of used machines on its shelf, sorted by efficiency, and
//! its prices remembered for the current market state. The prices themselves are the dealer's
//! rule (`hashshift_models::firms::secondary`); sellers net [`SELL_FRICTION`] of them. Lots of
//! the same model and installation year (within half a year) merge; lots unsold after
//! `secondary_shelf_days` are scrapped.

use std::cell::RefCell;

use hashshift_models::firms::valuation::SiteCosts;

/// Share of the secondary price a seller nets (ASSUMPTION: removal, shipping, dealer spread).
pub(crate) const SELL_FRICTION: f64 = 0.8;

/// Machines on the secondary market.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lot {
    pub model: u16,
    pub j_per_th: f64,
    pub ths: f64,
    /// Installation year of the machines.
    pub installed_year: f64,
    /// Listed at, days since the start.
    pub listed_days: f64,
}

/// What the secondary prices depend on besides the efficiency: the outlook hashprice, the
/// frontier machine's J/TH and price (bits) and the day of the firms' reward path.
pub(crate) type PriceKey = (u64, u64, u64, i64);

/// Secondary-market prices by machine efficiency (J/TH bits) for one market state. A handful
/// of efficiencies are on the market at any time.
#[derive(Debug, Clone, Default)]
struct PriceMemo {
    key: PriceKey,
    prices: Vec<(u64, f64)>,
}

impl PriceMemo {
    fn get(&self, key: PriceKey, j_per_th: f64) -> Option<f64> {
        if self.key != key {
            return None;
        }
        let j = j_per_th.to_bits();
        self.prices.iter().find(|x| x.0 == j).map(|x| x.1)
    }

    fn put(&mut self, key: PriceKey, j_per_th: f64, price: f64) {
        if self.key != key {
            self.key = key;
            self.prices.clear();
        }
        self.prices.push((j_per_th.to_bits(), price));
    }
}

/// The lots for sale and the price memo.
#[derive(Debug, Clone, Default)]
pub(crate) struct SecondaryMarket {
    /// The lots, sorted by J/TH.
    lots: Vec<Lot>,
    prices: RefCell<PriceMemo>,
}

impl SecondaryMarket {
    /// The lots, best efficiency first.
    pub fn lots(&self) -> &[Lot] {
        &self.lots
    }

    /// The price of machines of `j_per_th` in market state `key`, USD per TH/s: remembered, or
    /// `price()` remembered.
    pub fn price(&self, key: PriceKey, j_per_th: f64, price: impl FnOnce() -> f64) -> f64 {
        if let Some(p) = self.prices.borrow().get(key, j_per_th) {
            return p;
        }
        let p = price();
        self.prices.borrow_mut().put(key, j_per_th, p);
        p
    }

    /// Puts machines on the market, merged with a lot of the same model and installation
    /// year (within half a year) if there is one: the installation year becomes the
    /// hashrate-weighted mean, and so does the listing date, except that the listed lot's date
    /// is weighted by its size after the merge (`t_l + t` against `t`), which keeps merged lots
    /// on the shelf a little longer. Nothing below 1e-9 TH/s.
    pub fn list(&mut self, lot: Lot) {
        if lot.ths <= 1e-9 {
            return;
        }
        match self.lots.iter_mut().find(|l| {
            l.model == lot.model
                && l.j_per_th == lot.j_per_th
                && (l.installed_year - lot.installed_year).abs() < 0.5
        }) {
            Some(l) => {
                l.installed_year =
                    (l.installed_year * l.ths + lot.installed_year * lot.ths) / (l.ths + lot.ths);
                l.ths += lot.ths;
                // The lot's age on the shelf: weighted with the merged size (see above).
                l.listed_days =
                    (l.listed_days * l.ths + lot.listed_days * lot.ths) / (l.ths + lot.ths);
            }
            None => {
                let at = self.lots.partition_point(|l| l.j_per_th <= lot.j_per_th);
                self.lots.insert(at, lot);
            }
        }
    }

    /// Takes `ths` TH/s out of lot `i` (the whole lot when that is all of it).
    pub fn take(&mut self, i: usize, ths: f64) {
        if ths >= self.lots[i].ths * (1.0 - 1e-12) {
            self.lots.remove(i);
        } else {
            self.lots[i].ths -= ths;
        }
    }

    /// Scraps the lots listed `shelf_days` or more before `now_days`; returns their TH/s.
    pub fn scrap(&mut self, now_days: f64, shelf_days: f64) -> f64 {
        let mut scrapped = 0.0;
        self.lots.retain(|l| {
            let keep = now_days - l.listed_days < shelf_days;
            if !keep {
                scrapped += l.ths;
            }
            keep
        });
        scrapped
    }

    /// The lot with the best first-year margin per dollar at a site of `costs` and hashprice
    /// `hashprice`, with `infra` USD per MW of build-out on top of its price (`per_mw`: a lot's
    /// price per MW at the site): `(index, rank)`, None when no lot covers its energy.
    pub fn best_ranked(
        &self,
        hashprice: f64,
        costs: &SiteCosts,
        infra: f64,
        per_mw: impl Fn(&Lot) -> f64,
    ) -> Option<(usize, f64)> {
        // The rank depends on the efficiency alone, and the lots are sorted by efficiency: one
        // rank per run of equal efficiencies. Ties go to the last lot (as `max_by` does).
        let mut run: Option<(u64, f64)> = None;
        let mut best: Option<(usize, f64)> = None;
        for (i, l) in self.lots.iter().enumerate() {
            let j = l.j_per_th.to_bits();
            let rank = match run {
                Some((rj, rank)) if rj == j => rank,
                _ => {
                    let cost = costs.power_usd_per_th_day(l.j_per_th);
                    // A lot that does not cover its energy ranks <= 0, and so does every lot
                    // after it: the cost rises with J/TH (rounding is monotone), and the lots
                    // are sorted by J/TH.
                    if hashprice <= cost {
                        break;
                    }
                    let margin_per_mw = (hashprice - cost) * 1e6 / (l.j_per_th * costs.pue);
                    let rank = margin_per_mw / (per_mw(l) + infra);
                    run = Some((j, rank));
                    rank
                }
            };
            if rank > 0.0 && best.is_none_or(|b| rank.total_cmp(&b.1).is_ge()) {
                best = Some((i, rank));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(model: u16, j_per_th: f64, ths: f64, installed_year: f64, listed_days: f64) -> Lot {
        Lot {
            model,
            j_per_th,
            ths,
            installed_year,
            listed_days,
        }
    }

    #[test]
    fn lots_stay_sorted_and_merge_by_model_and_year() {
        let mut m = SecondaryMarket::default();
        m.list(lot(1, 30.0, 100.0, 2020.0, 0.0));
        m.list(lot(2, 20.0, 50.0, 2022.0, 0.0));
        m.list(lot(1, 30.0, 100.0, 2020.4, 10.0));
        m.list(lot(1, 30.0, 100.0, 2021.0, 10.0));
        m.list(lot(3, 25.0, 1e-10, 2021.0, 10.0));
        let js: Vec<f64> = m.lots().iter().map(|l| l.j_per_th).collect();
        assert_eq!(js, vec![20.0, 30.0, 30.0]);
        let merged = &m.lots()[1];
        assert_eq!(merged.ths, 200.0);
        assert!((merged.installed_year - 2020.2).abs() < 1e-9);
        // The listed lot's date weighs its merged size: 0 x 200 + 10 x 100 over 300.
        assert_eq!(merged.listed_days, 10.0 * 100.0 / 300.0);
        // Taking nearly all of a lot takes the lot.
        m.take(0, 50.0 * (1.0 - 1e-13));
        assert_eq!(m.lots().len(), 2);
        m.take(0, 50.0);
        assert_eq!(m.lots()[0].ths, 150.0);
    }

    #[test]
    fn old_lots_are_scrapped() {
        let mut m = SecondaryMarket::default();
        m.list(lot(1, 30.0, 100.0, 2020.0, 0.0));
        m.list(lot(2, 20.0, 50.0, 2022.0, 100.0));
        assert_eq!(m.scrap(150.0, 180.0), 0.0);
        assert_eq!(m.scrap(180.0, 180.0), 100.0);
        assert_eq!(m.lots().len(), 1);
    }

    #[test]
    fn prices_are_remembered_per_market_state() {
        let m = SecondaryMarket::default();
        let key = (1, 2, 3, 4);
        assert_eq!(m.price(key, 20.0, || 7.0), 7.0);
        assert_eq!(m.price(key, 20.0, || unreachable!()), 7.0);
        assert_eq!(m.price((1, 2, 3, 5), 20.0, || 8.0), 8.0);
    }

    #[test]
    fn the_best_lot_pays_most_per_dollar_and_covers_its_energy() {
        let mut m = SecondaryMarket::default();
        m.list(lot(1, 15.0, 100.0, 2024.0, 0.0));
        m.list(lot(2, 20.0, 100.0, 2022.0, 0.0));
        m.list(lot(3, 80.0, 100.0, 2016.0, 0.0));
        let costs = SiteCosts {
            pue: 1.0,
            energy_usd_per_kwh: 0.05,
            mining_opex_usd_per_mw_year: 0.0,
            idle_usd_per_mw_year: 0.0,
        };
        // The 15 J/TH machines cost much more per MW than the 20 J/TH ones: the latter win.
        let per_mw = |l: &Lot| if l.model == 1 { 1e7 } else { 1e5 };
        let hp = 0.05;
        let (i, rank) = m.best_ranked(hp, &costs, 0.0, per_mw).unwrap();
        assert_eq!(i, 1);
        let margin = (hp - costs.power_usd_per_th_day(20.0)) * 1e6 / 20.0;
        assert!((rank - margin / 1e5).abs() < 1e-12);
        // Nothing covers its energy at a tiny hashprice.
        assert_eq!(m.best_ranked(1e-6, &costs, 0.0, per_mw), None);
    }
}
