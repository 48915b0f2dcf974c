//! A firm's cash flows by source over a period, and the identity they obey:
//!
//! ```text
//! cash_end - cash_start = mining + colocation + cloud + asic_sales + site_sales + borrowed
//!                         - energy - opex - idle - interest - repaid - capex - site_purchases
//! ```
//!
//! All amounts are USD over the period (the engine settles each firm monthly, at its decision).

/// Cash flows of one period, USD (all >= 0; the sign is in [`Ledger::net`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ledger {
    /// Mining revenue (expected value at the hashprice: pools pay FPPS).
    pub mining_revenue: f64,
    /// Colocation revenue (rate x MW of critical IT).
    pub colo_revenue: f64,
    /// GPU-cloud revenue.
    pub cloud_revenue: f64,
    /// ASICs sold on the secondary market.
    pub asic_sales: f64,
    /// Sites sold (bankruptcy auctions).
    pub site_sales: f64,
    /// New debt drawn.
    pub borrowed: f64,
    /// Energy of the mining machines, carbon tax included.
    pub energy: f64,
    /// Operating costs besides mining energy (mining opex, AI opex, cloud power).
    pub opex: f64,
    /// Fixed costs of idle mining capacity.
    pub idle: f64,
    /// Interest paid.
    pub interest: f64,
    /// Principal repaid.
    pub repaid: f64,
    /// Capital expenditure (ASICs, build-outs, conversions, GPUs).
    pub capex: f64,
    /// Sites bought.
    pub site_purchases: f64,
}

impl Ledger {
    /// Inflows minus outflows.
    pub fn net(&self) -> f64 {
        self.mining_revenue
            + self.colo_revenue
            + self.cloud_revenue
            + self.asic_sales
            + self.site_sales
            + self.borrowed
            - self.energy
            - self.opex
            - self.idle
            - self.interest
            - self.repaid
            - self.capex
            - self.site_purchases
    }

    /// Adds another period's flows.
    pub fn add(&mut self, o: &Ledger) {
        self.mining_revenue += o.mining_revenue;
        self.colo_revenue += o.colo_revenue;
        self.cloud_revenue += o.cloud_revenue;
        self.asic_sales += o.asic_sales;
        self.site_sales += o.site_sales;
        self.borrowed += o.borrowed;
        self.energy += o.energy;
        self.opex += o.opex;
        self.idle += o.idle;
        self.interest += o.interest;
        self.repaid += o.repaid;
        self.capex += o.capex;
        self.site_purchases += o.site_purchases;
    }

    /// Whether every flow is finite and non-negative.
    pub fn is_valid(&self) -> bool {
        [
            self.mining_revenue,
            self.colo_revenue,
            self.cloud_revenue,
            self.asic_sales,
            self.site_sales,
            self.borrowed,
            self.energy,
            self.opex,
            self.idle,
            self.interest,
            self.repaid,
            self.capex,
            self.site_purchases,
        ]
        .iter()
        .all(|x| x.is_finite() && *x >= 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_signs_and_sums() {
        let a = Ledger {
            mining_revenue: 10.0,
            energy: 4.0,
            capex: 3.0,
            borrowed: 2.0,
            ..Ledger::default()
        };
        assert_eq!(a.net(), 5.0);
        let mut b = a;
        b.add(&a);
        assert_eq!(b.net(), 10.0);
        assert!(b.is_valid());
        let bad = Ledger {
            opex: -1.0,
            ..Ledger::default()
        };
        assert!(!bad.is_valid());
    }
}
