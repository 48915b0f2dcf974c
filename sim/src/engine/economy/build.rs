//! Building the economy: the price, fee and energy processes, and for fleet runs the
//! generated population calibrated to the target hashrate at the start conditions, the named
//! firms' sites beside it (`hashshift_models::firms::named::named_population`), and the agents
//! over both.

use hashshift_models::firms::named::named_population;
use hashshift_models::hardware::{Catalog, Region};
use hashshift_models::mining::fleet::{Fleet, Unit};
use hashshift_models::mining::population::{Population, Site};

use super::btc::BtcMarket;
use super::energy::Energy;
use super::fleet::FleetState;
use super::frontier::FrontierState;
use super::market::Market;
use super::shocks::Shocks;
use super::{security, DayTally, Economy};
use crate::engine::agents::{self, Agents};
use crate::engine::clock::{day_of_year, year_fraction, Calendar, SimTime};
use crate::engine::error::{InvalidInput, SimError};
use crate::engine::outbox::Outbox;
use crate::engine::rng::{Component, RngStreams};
use crate::scenario::{AgentsSpec, EconomySpec, PriceSpec};

impl Economy {
    /// Builds the economy; for fleet runs generates and calibrates the population at the
    /// start conditions (`difficulty`, next block's `subsidy_sat`). Events of shocks due at the
    /// start and the firms' first decisions go to `out`.
    pub fn new(
        spec: &EconomySpec,
        streams: &RngStreams,
        start_unix: i64,
        difficulty: f64,
        subsidy_sat: u64,
        out: &mut Outbox,
    ) -> Result<Self, SimError> {
        let btc = BtcMarket::new(spec, streams, start_unix)?;
        let doy = day_of_year(start_unix);
        let energy = Energy::new(spec, streams, doy)?;
        let frontier = FrontierState::new(spec)?;
        let mut eco = Economy {
            market: Market {
                btc,
                energy,
                frontier,
                hashprice: 0.0,
                difficulty: 1.0,
                calendar: Calendar::new(start_unix),
                now: SimTime::ZERO,
            },
            shocks: Shocks::new(spec.shocks.clone()),
            fleet: None,
            agents: None,
            tally: DayTally::default(),
            security: spec.security,
            security_scratch: security::Scratch::default(),
            intraday: false,
            reaction_band: (f64::NEG_INFINITY, f64::INFINITY),
        };
        // The network is calibrated to the start conditions without shocks (the world the
        // target hashrate describes); shocks due at the start then act from the first day.
        eco.market.set_hashprice(difficulty, subsidy_sat);
        if let Some(net) = &spec.network {
            let shares: Vec<(Region, f64)> = spec
                .regions
                .iter()
                .map(|(r, p)| (*r, p.hashrate_share_2026))
                .collect();
            let mut rng = streams.stream(Component::Population, 0);
            let mut pop =
                Population::generate(&net.population, &shares, &net.mix, &net.catalog, &mut rng)
                    .map_err(InvalidInput::Network)?;
            let regions = eco.market.energy.regions().len();
            let mut probe = Fleet::new(pop.units.clone(), regions).map_err(InvalidInput::Unit)?;
            let running = probe
                .operate(&eco.market.conditions(net.hysteresis))
                .running_ths;
            if running <= 0.0 {
                return Err(InvalidInput::NothingProfitable {
                    hashprice_usd_per_ph_day: eco.market.hashprice * 1000.0,
                }
                .into());
            }
            let named = match &spec.agents {
                Some(a) => named_population(&a.named, &net.catalog, year_fraction(start_unix)),
                None => Population {
                    sites: Vec::new(),
                    units: Vec::new(),
                },
            };
            let named_ths: f64 = named.units.iter().map(|u| u.ths).sum();
            let generated_target = net.target_hs / 1e12 - named_ths;
            if generated_target <= 0.0 {
                return Err(InvalidInput::NamedFirmsExceedTarget {
                    named_ehs: named_ths / 1e6,
                    target_ehs: net.target_hs / 1e18,
                }
                .into());
            }
            pop.scale(generated_target / running);
            let named_sites = append_named(spec.agents.as_ref(), &mut pop, named);
            let fleet = Fleet::new(pop.units, regions).map_err(InvalidInput::Unit)?;
            let mut fs = FleetState::new(fleet, pop.sites, net.hysteresis);
            fs.setup_bans(&eco.shocks, eco.market.energy.regions(), streams);
            if let Some(a) = &spec.agents {
                let agents = build_agents(
                    (a, spec),
                    &fs,
                    &net.catalog,
                    &named_sites,
                    (streams, start_unix),
                    out,
                )?;
                eco.agents = Some(agents);
            }
            eco.fleet = Some(fs);
        }
        eco.apply_shocks(start_unix, out);
        eco.market.energy.set_day(doy);
        eco.market.set_hashprice(difficulty, subsidy_sat);
        eco.progress_bans(start_unix);
        eco.operate();
        Ok(eco)
    }
}

/// Appends the named sites and their units to `pop` (renumbered after the generated ones);
/// returns each named firm's site indices, in order.
fn append_named(
    agents: Option<&AgentsSpec>,
    pop: &mut Population,
    named: Population,
) -> Vec<Vec<u32>> {
    let base = pop.sites.len() as u32;
    for site in named.sites {
        pop.sites.push(Site {
            id: base + site.id,
            ..site
        });
    }
    for u in named.units {
        pop.units.push(Unit {
            site: base + u.site,
            ..u
        });
    }
    let Some(a) = agents else {
        return Vec::new();
    };
    let mut next = base;
    a.named
        .iter()
        .map(|f| {
            let n = f.sites.len() as u32;
            let sites = (next..next + n).collect();
            next += n;
            sites
        })
        .collect()
}

/// Builds the agents of `a` over the fleet `fs` of a run starting at `start_unix`
/// (`named_sites`: each named firm's sites), their first decisions scheduled into `out`.
fn build_agents(
    (a, spec): (&AgentsSpec, &EconomySpec),
    fs: &FleetState,
    catalog: &Catalog,
    named_sites: &[Vec<u32>],
    (streams, start_unix): (&RngStreams, i64),
    out: &mut Outbox,
) -> Result<Agents, InvalidInput> {
    let start_year = year_fraction(start_unix);
    let life = |id: u16| {
        catalog
            .get(id)
            .map_or(a.asic_life_years, |m| m.lifetime_years())
    };
    let release = |id: u16| catalog.get(id).map_or(start_year, |m| m.release_year());
    let units: Vec<(f64, f64)> = fs
        .fleet
        .units()
        .iter()
        .map(|u| (release(u.model), life(u.model)))
        .collect();
    let suitability: Vec<f64> = spec.regions.iter().map(|r| r.1.ai_suitability).collect();
    let vol = match &spec.price {
        PriceSpec::Process { model, .. } => model.volatility(),
        _ => a.initial_volatility,
    };
    let pop = agents::Population {
        sites: &fs.sites,
        fleet: &fs.fleet,
        ai_suitability: &suitability,
        unit_release_and_life: &units,
        named_sites,
    };
    Agents::new(a, pop, streams, start_year, vol, out)
}
