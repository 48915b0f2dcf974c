//! The order book: ASIC orders in transit, and the manufacturers' backlog of new machines
//! ordered and not yet delivered (which raises the price of new machines,
//! `hashshift_models::hardware::backlog_price_factor`). Secondary-market machines on their way
//! to a relocated site travel as orders too, outside the backlog.

/// What an ASIC order is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum OrderKind {
    /// Fill idle MW.
    Fill,
    /// Replace the machines of a unit (its TH/s go to the secondary market at delivery).
    Refresh { unit: u32 },
    /// New capacity (MW added at delivery).
    Expand,
}

impl OrderKind {
    /// The kind's name in the events table.
    pub fn name(self) -> &'static str {
        match self {
            OrderKind::Fill => "fill",
            OrderKind::Refresh { .. } => "refresh",
            OrderKind::Expand => "expand",
        }
    }
}

/// An ASIC order in transit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Order {
    pub site: u32,
    pub kind: OrderKind,
    /// Gross MW the machines will draw.
    pub mw: f64,
    /// Machine model and efficiency.
    pub model: u16,
    pub j_per_th: f64,
    /// TH/s ordered.
    pub ths: f64,
    /// Installation year of relocated machines (NaN: new, installed at delivery).
    pub installed_year: f64,
}

impl Order {
    /// Whether the order is of new machines (in the manufacturers' backlog).
    pub fn is_new(&self) -> bool {
        self.installed_year.is_nan()
    }
}

/// The orders of the run (by index) and the backlog of new machines.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderBook {
    orders: Vec<Order>,
    /// New machines ordered and not yet delivered, TH/s.
    backlog_ths: f64,
}

impl OrderBook {
    /// Places `order`; returns its index (the delivery event's).
    pub fn place(&mut self, order: Order) -> u32 {
        if order.is_new() {
            self.backlog_ths += order.ths;
        }
        let o = self.orders.len() as u32;
        self.orders.push(order);
        o
    }

    /// Order `o` is delivered: returns it, its new machines leave the backlog.
    pub fn deliver(&mut self, o: usize) -> Order {
        let order = self.orders[o];
        if order.is_new() {
            self.backlog_ths = (self.backlog_ths - order.ths).max(0.0);
        }
        order
    }

    /// New machines ordered and not yet delivered, TH/s.
    pub fn backlog_ths(&self) -> f64 {
        self.backlog_ths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(ths: f64, installed_year: f64) -> Order {
        Order {
            site: 0,
            kind: OrderKind::Fill,
            mw: 1.0,
            model: 1,
            j_per_th: 15.0,
            ths,
            installed_year,
        }
    }

    #[test]
    fn the_backlog_counts_new_machines_until_delivered() {
        let mut book = OrderBook::default();
        let a = book.place(order(100.0, f64::NAN));
        let b = book.place(order(50.0, 2024.0));
        assert_eq!((a, b), (0, 1));
        assert_eq!(book.backlog_ths(), 100.0, "relocated machines are not new");
        assert_eq!(book.deliver(1).ths, 50.0);
        assert_eq!(book.backlog_ths(), 100.0);
        assert_eq!(book.deliver(0).ths, 100.0);
        assert_eq!(book.backlog_ths(), 0.0);
        assert_eq!(OrderKind::Refresh { unit: 3 }.name(), "refresh");
    }
}
