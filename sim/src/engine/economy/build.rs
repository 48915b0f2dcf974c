//! Building the economy: the price, fee and energy processes, and for fleet runs the
//! generated population calibrated to the target hashrate at the start conditions.

use std::cell::Cell;

use hashshift_models::hardware::{Catalog, Frontier, Region};
use hashshift_models::market::{EnergyPrice, FeeModel, PriceProcess};
use hashshift_models::mining::fleet::Fleet;
use hashshift_models::mining::population::Population;

use super::{day_of_year, security, DayTally, Economy, FleetState, Price, SpikeState};
use crate::calendar::DAY_S;
use crate::engine::rng::{Component, RngStreams};
use crate::engine::SimError;
use crate::scenario::{EconomySpec, FeeSpec, PriceSpec};

impl Economy {
    /// Builds the economy; for fleet runs generates and calibrates the population at the
    /// start conditions (`difficulty`, next block's `subsidy_sat`).
    pub fn new(
        spec: &EconomySpec,
        streams: &RngStreams,
        start_unix: i64,
        difficulty: f64,
        subsidy_sat: u64,
    ) -> Result<Self, SimError> {
        let invalid = |m: String| SimError::Invalid(m);
        let price = match &spec.price {
            PriceSpec::Constant(p) => Price::Constant(*p),
            PriceSpec::Process { model, initial } => Price::Process(
                PriceProcess::new(*model, *initial).map_err(|e| invalid(e.to_string()))?,
            ),
            PriceSpec::Replay(r) => Price::Process(
                PriceProcess::replay(r.clone(), start_unix.div_euclid(DAY_S))
                    .map_err(|e| invalid(e.to_string()))?,
            ),
        };
        let doy = day_of_year(start_unix);
        let mut energy = Vec::with_capacity(spec.regions.len());
        let mut energy_rngs = Vec::with_capacity(spec.regions.len());
        for (i, (_, p)) in spec.regions.iter().enumerate() {
            let mut e = EnergyPrice::new(
                p.energy_price_usd_per_kwh,
                spec.energy_kappa,
                spec.energy_sigma,
                p.seasonal_amplitude,
                p.seasonal_peak_day,
            )
            .map_err(|e| invalid(e.to_string()))?;
            let mut rng = streams.stream(Component::Energy, i as u64);
            e.draw_stationary(&mut rng);
            energy.push(e);
            energy_rngs.push(rng);
        }
        let region_price = energy.iter().map(|e| e.price_at_day(doy)).collect();
        let mut eco = Economy {
            price,
            price_rng: streams.stream(Component::Price, 0),
            fees: FeeModel::constant(0.0).expect("zero fees are valid"),
            fee_rng: streams.stream(Component::Fees, 0),
            fee_mean_btc: 0.0,
            fee_outlook_btc: 0.0,
            fee_spikes: None,
            subsidy_btc: 0.0,
            price_feedback: spec.price_feedback.clone().map(|f| (f, None)),
            fee_replay: None,
            regions: spec.regions.iter().map(|r| r.0).collect(),
            energy,
            energy_rngs,
            region_price,
            carbon_tax: vec![0.0; spec.regions.len()],
            carbon_intensity: spec
                .regions
                .iter()
                .map(|r| r.1.carbon_intensity_t_per_mwh)
                .collect(),
            shocks: spec.shocks.clone(),
            next_shock: 0,
            fleet: None,
            frontier: {
                let catalog = spec
                    .network
                    .as_ref()
                    .map_or_else(Catalog::default_catalog, |n| n.catalog.clone());
                Frontier::new(spec.frontier, &catalog).map_err(|e| invalid(e.to_string()))?
            },
            frontier_cache: None,
            hashprice: 0.0,
            tally: DayTally::default(),
            start_unix,
            time_days: 0.0,
            agents: None,
            // Reserved: the per-block path (a halving) must not allocate.
            network_events: Vec::with_capacity(64),
            difficulty: 1.0,
            security: spec.security,
            security_scratch: security::Scratch::default(),
        };
        match &spec.fees {
            FeeSpec::Model(m) => {
                eco.fees = *m;
                eco.fee_mean_btc = m.mean_btc();
                eco.fee_outlook_btc = m.mean_btc();
                if let Some(model) = spec.fee_spikes {
                    // Spikes start from the first midnight; the outlook counts them from now.
                    eco.fee_outlook_btc = m.mean_btc() * model.long_run_factor();
                    eco.fee_spikes = Some(SpikeState {
                        model,
                        rng: streams.stream(Component::Fees, 1),
                        base: *m,
                        current: None,
                    });
                }
            }
            FeeSpec::Replay {
                first_day,
                mean_btc,
                log_sd,
            } => {
                eco.fee_replay = Some((*first_day, mean_btc.clone(), *log_sd));
                eco.set_replay_fees(start_unix);
            }
        }
        // The network is calibrated to the start conditions without shocks (the world the
        // target hashrate describes); shocks due at the start then act from the first day.
        eco.hashprice = eco.hashprice_at(difficulty, subsidy_sat);
        if let Some(net) = &spec.network {
            let shares: Vec<(Region, f64)> = spec
                .regions
                .iter()
                .map(|(r, p)| (*r, p.hashrate_share_2026))
                .collect();
            let mut rng = streams.stream(Component::Population, 0);
            let mut pop =
                Population::generate(&net.population, &shares, &net.mix, &net.catalog, &mut rng)
                    .map_err(|e| invalid(format!("network: {e}")))?;
            let mut probe = Fleet::new(pop.units.clone(), eco.regions.len())
                .map_err(|e| invalid(e.to_string()))?;
            let running = probe.operate(&eco.conditions(net.hysteresis)).running_ths;
            if running <= 0.0 {
                return Err(invalid(format!(
                    "no machine of the generated network is profitable at the start (hashprice {:.2} USD/PH/day); \
                     check price.initial_usd and the regional energy prices",
                    eco.hashprice * 1000.0
                )));
            }
            let named = eco.named_population(spec, &net.catalog, start_unix)?;
            let named_ths: f64 = named.units.iter().map(|u| u.ths).sum();
            let generated_target = net.target_hs / 1e12 - named_ths;
            if generated_target <= 0.0 {
                return Err(invalid(format!(
                    "the named firms mine {:.1} EH/s, at least network.target_ehs = {:.1}",
                    named_ths / 1e6,
                    net.target_hs / 1e18
                )));
            }
            pop.scale(generated_target / running);
            let named_sites = Economy::append_named(spec, &mut pop, named);
            let mut site_units = Vec::with_capacity(pop.sites.len() + 1);
            for (i, u) in pop.units.iter().enumerate() {
                while site_units.len() <= u.site as usize {
                    site_units.push(i);
                }
            }
            site_units.push(pop.units.len());
            let fleet =
                Fleet::new(pop.units, eco.regions.len()).map_err(|e| invalid(e.to_string()))?;
            eco.fleet = Some(FleetState {
                fleet,
                sites: pop.sites,
                site_units,
                hysteresis: net.hysteresis,
                bans: Vec::new(),
                idle_supply: Vec::new(),
                passes: 0,
                outlook_memo: Cell::new((u64::MAX, 0, 0, f64::NAN)),
            });
            eco.setup_bans(streams);
            if let Some(a) = &spec.agents {
                eco.build_agents(a, spec, &net.catalog, &named_sites, streams, start_unix)?;
            }
        }
        eco.apply_shocks(start_unix);
        for (i, e) in eco.energy.iter().enumerate() {
            eco.region_price[i] = e.price_at_day(doy);
        }
        eco.hashprice = eco.hashprice_at(difficulty, subsidy_sat);
        eco.progress_bans(start_unix);
        eco.operate();
        Ok(eco)
    }
}
