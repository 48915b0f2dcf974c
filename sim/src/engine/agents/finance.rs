//! The firms' money: each firm's account (cash, corporate, project and construction debt,
//! credit line, the period's flows in its [`Ledger`]) and the bankruptcies. Money moves only
//! through these methods; the identity the flows obey is in
//! `hashshift_models::firms::ledger`.
//!
//! At each decision a firm settles the period since its last one ([`Finance::settle`]): the
//! flows of its sites and contracts (summed by the caller), interest on its corporate and
//! project debt, and principal (corporate debt over `debt_amortization_years`, project debt
//! over the contracts' tenor); then it draws on its credit line if cash is negative. A firm
//! whose cash stays negative with its credit line used up is bankrupt.

use hashshift_models::firms::{FirmSpec, Ledger};

use crate::engine::error::InvariantError;

/// Interest and repayment terms of the firms' debt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DebtTerms {
    /// Interest rate on debt, per year.
    pub interest_rate: f64,
    /// Years over which corporate debt is repaid.
    pub amortization_years: f64,
    /// Years over which project debt is repaid (the AI contracts' tenor).
    pub project_tenor_years: f64,
}

/// A firm's account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    /// Cash, USD (may be negative only transiently, within a settlement).
    pub cash: f64,
    /// Corporate debt (credit line drawn), USD.
    pub corporate_debt: f64,
    /// Project debt of energized AI conversions, USD.
    pub project_debt: f64,
    /// Project debt of conversions under construction, USD: its interest is capitalized (added
    /// to the loan at energization), as construction loans do.
    pub construction_debt: f64,
    /// Credit line, USD.
    pub credit: f64,
    /// Share of AI capex financed by project debt.
    pub project_finance: f64,
    /// Flows since the last row.
    pub ledger: Ledger,
    /// Time of the last settlement, days since the start.
    pub last_settled_days: f64,
    /// Bankrupt (no more decisions).
    pub bankrupt: bool,
}

impl Account {
    /// The opening account of a firm of `spec`.
    pub fn new(spec: &FirmSpec) -> Self {
        Self {
            cash: spec.cash_usd,
            corporate_debt: spec.debt_usd,
            project_debt: 0.0,
            construction_debt: 0.0,
            credit: spec.credit_usd,
            project_finance: spec.project_finance,
            ledger: Ledger::default(),
            last_settled_days: 0.0,
            bankrupt: false,
        }
    }

    /// Total debt, USD.
    pub fn debt(&self) -> f64 {
        self.corporate_debt + self.project_debt + self.construction_debt
    }

    /// Credit still available, USD.
    pub fn available_credit(&self) -> f64 {
        (self.credit - self.corporate_debt).max(0.0)
    }

    /// What the firm can spend now: its cash (if positive) and the credit still available, USD.
    pub fn funds(&self) -> f64 {
        self.cash.max(0.0) + self.available_credit()
    }
}

/// The accounts of all firms, by firm id, and the count of bankruptcies.
#[derive(Debug, Clone)]
pub(crate) struct Finance {
    accounts: Vec<Account>,
    terms: DebtTerms,
    bankruptcies: usize,
}

impl Finance {
    /// The firms' `accounts` (by firm id) under `terms`.
    pub fn new(accounts: Vec<Account>, terms: DebtTerms) -> Self {
        Self {
            accounts,
            terms,
            bankruptcies: 0,
        }
    }

    /// Firm `f`'s account.
    pub fn account(&self, f: usize) -> &Account {
        &self.accounts[f]
    }

    /// Whether firm `f` is bankrupt.
    pub fn is_bankrupt(&self, f: usize) -> bool {
        self.accounts[f].bankrupt
    }

    /// Firms not bankrupt.
    pub fn active_firms(&self) -> usize {
        self.accounts.len() - self.bankruptcies
    }

    /// Days since firm `f` last settled (0 if the clock did not move).
    pub fn period_days(&self, f: usize, now_days: f64) -> f64 {
        (now_days - self.accounts[f].last_settled_days).max(0.0)
    }

    /// Settles firm `f`'s period of `dt_days` up to `now_days` with the operating flows `l`
    /// of its sites and contracts: interest, principal, the credit line if cash is negative.
    /// Returns false if the firm cannot pay (bankrupt).
    pub fn settle(&mut self, f: usize, mut l: Ledger, dt_days: f64, now_days: f64) -> bool {
        let t = self.terms;
        let a = &mut self.accounts[f];
        let years = dt_days / 365.25;
        l.interest = (a.corporate_debt + a.project_debt) * t.interest_rate * years;
        let corp = (a.corporate_debt * years / t.amortization_years).min(a.corporate_debt);
        let proj = (a.project_debt * years / t.project_tenor_years).min(a.project_debt);
        l.repaid = corp + proj;
        a.corporate_debt -= corp;
        a.project_debt -= proj;
        a.cash += l.net();
        if a.cash < 0.0 {
            let draw = (-a.cash).min(a.available_credit());
            a.corporate_debt += draw;
            a.cash += draw;
            l.borrowed += draw;
        }
        a.ledger.add(&l);
        a.last_settled_days = now_days;
        a.cash >= -1e-6
    }

    /// Pays `usd` of capex from firm `f`'s cash, drawing credit if needed; false (and nothing
    /// paid) if it cannot.
    pub fn pay(&mut self, f: usize, usd: f64) -> bool {
        let a = &mut self.accounts[f];
        if usd > a.funds() {
            return false;
        }
        a.cash -= usd;
        a.ledger.capex += usd;
        if a.cash < 0.0 {
            let draw = -a.cash;
            a.corporate_debt += draw;
            a.cash = 0.0;
            a.ledger.borrowed += draw;
        }
        true
    }

    /// Lends firm `f` its project-finance share of a conversion's `capex` as a construction
    /// loan (cash in, to pay the capex with). Returns the loan, USD.
    pub fn borrow_construction(&mut self, f: usize, capex: f64) -> f64 {
        let a = &mut self.accounts[f];
        let debt = capex * a.project_finance;
        a.construction_debt += debt;
        a.cash += debt;
        a.ledger.borrowed += debt;
        debt
    }

    /// A conversion of firm `f` financed by a construction loan `built` (USD) is energized
    /// after `years`: the loan becomes project debt with its interest capitalized. The period
    /// reports the capitalized interest as interest paid with money the loan lends: cash is
    /// unchanged and the debt's roll-forward closes (debt change = borrowed - repaid).
    pub fn energize_loan(&mut self, f: usize, built: f64, years: f64) {
        let rate = self.terms.interest_rate;
        let a = &mut self.accounts[f];
        a.construction_debt = (a.construction_debt - built).max(0.0);
        let with_interest = built * (1.0 + rate).powf(years);
        a.project_debt += with_interest;
        let capitalized = with_interest - built;
        a.ledger.interest += capitalized;
        a.ledger.borrowed += capitalized;
    }

    /// Firm `f` sold machines for `usd`.
    pub fn receive_asic_sale(&mut self, f: usize, usd: f64) {
        let a = &mut self.accounts[f];
        a.cash += usd;
        a.ledger.asic_sales += usd;
    }

    /// The firm that buys a site at `price` (USD): the one with the most cash that can pay it
    /// in cash, not bankrupt (ties: the lower id); None if there is none.
    pub fn site_buyer(&self, price: f64) -> Option<usize> {
        self.accounts
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.bankrupt && b.cash >= price)
            .max_by(|(ia, a), (ib, b)| a.cash.total_cmp(&b.cash).then(ib.cmp(ia)))
            .map(|(i, _)| i)
    }

    /// Firm `f` buys a site for `price` (USD).
    pub fn buy_site(&mut self, f: usize, price: f64) {
        let a = &mut self.accounts[f];
        a.cash -= price;
        a.ledger.site_purchases += price;
    }

    /// Marks firm `f` bankrupt.
    pub fn declare_bankrupt(&mut self, f: usize) {
        self.accounts[f].bankrupt = true;
        self.bankruptcies += 1;
    }

    /// The creditors take firm `f`'s cash and write off the rest of its debt.
    pub fn write_off(&mut self, f: usize) {
        let a = &mut self.accounts[f];
        a.cash = 0.0;
        a.corporate_debt = 0.0;
        a.project_debt = 0.0;
        a.construction_debt = 0.0;
    }

    /// Starts firm `f`'s next ledger period.
    pub fn reset_ledger(&mut self, f: usize) {
        self.accounts[f].ledger = Ledger::default();
    }

    /// Checks firm `f`'s books: finite cash, finite non-negative debt, and nothing left once
    /// bankrupt (`sites`: the sites it lists).
    pub fn check(&self, f: usize, sites: usize) -> Result<(), InvariantError> {
        let a = &self.accounts[f];
        let firm = f as u32;
        if !(a.cash.is_finite() && a.debt() >= 0.0 && a.debt().is_finite()) {
            return Err(InvariantError::FirmBooks {
                firm,
                cash: a.cash,
                debt: a.debt(),
            });
        }
        if a.bankrupt && (sites != 0 || a.cash != 0.0 || a.debt() != 0.0) {
            return Err(InvariantError::BankruptHolds {
                firm,
                sites,
                cash: a.cash,
                debt: a.debt(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use hashshift_models::firms::{BeliefModel, Strategy};

    use super::*;

    const TERMS: DebtTerms = DebtTerms {
        interest_rate: 0.1,
        amortization_years: 5.0,
        project_tenor_years: 10.0,
    };

    fn account(cash: f64, debt: f64, credit: f64) -> Account {
        Account::new(&FirmSpec {
            sites: Vec::new(),
            public: true,
            cash_usd: cash,
            debt_usd: debt,
            credit_usd: credit,
            project_finance: 0.5,
            strategy: Strategy {
                discount_rate: 0.1,
                horizon_years: 5.0,
                risk_aversion: 0.0,
                mining_hurdle: 1.0,
                belief: BeliefModel::Naive,
                buys_new: true,
            },
        })
    }

    #[test]
    fn paying_draws_credit_and_refuses_beyond_it() {
        let mut fin = Finance::new(vec![account(100.0, 0.0, 50.0)], TERMS);
        assert!(!fin.pay(0, 151.0));
        assert_eq!(fin.account(0).cash, 100.0);
        assert!(fin.pay(0, 130.0));
        let a = fin.account(0);
        assert_eq!((a.cash, a.corporate_debt), (0.0, 30.0));
        assert_eq!((a.ledger.capex, a.ledger.borrowed), (130.0, 30.0));
        assert_eq!(a.funds(), 20.0);
    }

    #[test]
    fn settlement_pays_interest_and_principal_then_draws_credit() {
        let mut fin = Finance::new(vec![account(10.0, 100.0, 1_000.0)], TERMS);
        let flows = Ledger {
            mining_revenue: 5.0,
            ..Ledger::default()
        };
        // A year: interest 10, principal 100 / 5 = 20; 10 + 5 - 10 - 20 = -15, drawn on credit.
        assert!(fin.settle(0, flows, 365.25, 400.0));
        let a = fin.account(0);
        assert!((a.ledger.interest - 10.0).abs() < 1e-12);
        assert!((a.ledger.repaid - 20.0).abs() < 1e-12);
        assert!((a.ledger.borrowed - 15.0).abs() < 1e-12);
        assert!(a.cash.abs() < 1e-12);
        assert!((a.corporate_debt - 95.0).abs() < 1e-12);
        assert_eq!(a.last_settled_days, 400.0);
        assert_eq!(fin.period_days(0, 430.0), 30.0);
        assert_eq!(fin.period_days(0, 10.0), 0.0);
        // Without credit a shortfall is a bankruptcy.
        let mut broke = Finance::new(vec![account(0.0, 100.0, 0.0)], TERMS);
        assert!(!broke.settle(0, Ledger::default(), 365.25, 365.25));
    }

    #[test]
    fn a_construction_loan_becomes_project_debt_with_its_interest() {
        let mut fin = Finance::new(vec![account(0.0, 0.0, 0.0)], TERMS);
        let debt = fin.borrow_construction(0, 200.0);
        assert_eq!(debt, 100.0);
        assert_eq!(fin.account(0).cash, 100.0);
        fin.energize_loan(0, debt, 2.0);
        let a = fin.account(0);
        assert_eq!(a.construction_debt, 0.0);
        assert!((a.project_debt - 121.0).abs() < 1e-9);
        // Interest capitalized, borrowed alike: cash unchanged.
        assert!((a.ledger.interest - 21.0).abs() < 1e-9);
        assert!((a.ledger.borrowed - 121.0).abs() < 1e-9);
        assert_eq!(a.cash, 100.0);
    }

    #[test]
    fn the_richest_solvent_firm_buys_and_the_bankrupt_hold_nothing() {
        let accounts = [(500.0, 0.0), (900.0, 0.0), (900.0, 0.0), (50.0, 10.0)]
            .map(|(cash, debt)| account(cash, debt, 0.0))
            .to_vec();
        let mut fin = Finance::new(accounts, TERMS);
        assert_eq!(fin.site_buyer(100.0), Some(1), "ties go to the lower id");
        assert_eq!(fin.site_buyer(1_000.0), None);
        fin.declare_bankrupt(1);
        assert_eq!(fin.site_buyer(100.0), Some(2));
        fin.buy_site(2, 100.0);
        assert_eq!(fin.account(2).cash, 800.0);
        assert_eq!(fin.account(2).ledger.site_purchases, 100.0);
        fin.declare_bankrupt(3);
        assert_eq!(fin.active_firms(), 2);
        assert!(matches!(
            fin.check(3, 0),
            Err(InvariantError::BankruptHolds { firm: 3, .. })
        ));
        fin.write_off(3);
        fin.check(3, 0).unwrap();
        assert!(fin.check(3, 1).is_err());
        fin.receive_asic_sale(0, 5.0);
        assert_eq!(fin.account(0).ledger.asic_sales, 5.0);
    }
}
