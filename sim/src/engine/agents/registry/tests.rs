use hashshift_models::firms::BeliefModel;

use super::*;

fn firm(id: u32, sites: Vec<u32>, streams: &RngStreams) -> Firm {
    let strategy = Strategy {
        discount_rate: 0.1,
        horizon_years: 5.0,
        risk_aversion: 0.5,
        mining_hurdle: 1.2,
        belief: BeliefModel::Naive,
        buys_new: true,
    };
    let spec = FirmSpec {
        sites,
        public: false,
        cash_usd: 0.0,
        debt_usd: 0.0,
        credit_usd: 0.0,
        project_finance: 0.0,
        strategy,
    };
    Firm::new(id, None, &spec, streams)
}

/// Two firms: firm 0 owns sites 0 (US, 10 MW) and 1 (China, 20 MW), firm 1 site 2
/// (Canada, 30 MW); no machines.
fn registry() -> Registry {
    let streams = RngStreams::new(1);
    let sites = vec![
        SiteState::new(Region::US, 10.0, 1.1, 1.0, true),
        SiteState::new(Region::China, 20.0, 1.1, 1.0, false),
        SiteState::new(Region::Canada, 30.0, 1.1, 1.0, true),
    ];
    let firms = vec![firm(0, vec![0, 1], &streams), firm(1, vec![2], &streams)];
    Registry::new(firms, sites, Vec::new())
}

fn fleet() -> Fleet {
    Fleet::new(Vec::new(), Region::ALL.len()).unwrap()
}

#[test]
fn owners_and_totals_follow_the_firms_lists() {
    let r = registry();
    assert_eq!(r.site(1).owner, 0);
    assert_eq!(r.site(2).owner, 1);
    assert_eq!(r.totals().capacity, 60.0);
    assert_eq!(r.initial_mining_mw(), 0.0);
    r.check_sites().unwrap();
}

#[test]
fn machines_join_a_vintage_and_leave_it() {
    let mut r = registry();
    let mut fleet = fleet();
    // 1,000 TH/s at 20 J/TH, PUE 1.1: 0.022 MW.
    r.install(0, (7, 20.0), 1_000.0, 2024.0, &mut fleet);
    r.install(0, (7, 20.0), 1_000.0, 2026.0, &mut fleet);
    assert_eq!(fleet.units().len(), 1, "same model: one vintage");
    assert_eq!(r.installed_year(0), 2025.0);
    assert!((r.site(0).mining_mw - 0.044).abs() < 1e-12);
    assert_eq!(r.totals().mining, r.site(0).mining_mw);
    // Another model is another unit.
    r.install(0, (8, 15.0), 500.0, 2026.0, &mut fleet);
    assert_eq!(r.site(0).units, vec![0, 1]);
    // Taking more than there is takes all of it, and the unit leaves the site.
    let (ths, mw) = r.uninstall(0, 1, 1e9, &mut fleet);
    assert_eq!(ths, 500.0);
    assert!((mw - 500.0 * 15.0 * 1.1 / 1e6).abs() < 1e-15);
    assert_eq!(r.site(0).units, vec![0]);
    assert_eq!(r.uninstall(0, 1, 1.0, &mut fleet), (0.0, 0.0));
    // Nothing tiny is installed.
    r.install(1, (8, 15.0), 1e-7, 2026.0, &mut fleet);
    assert!(r.site(1).units.is_empty());
    r.check_sites().unwrap();
}

#[test]
fn ai_mw_move_with_the_totals() {
    let mut r = registry();
    r.start_converting(2, 12.0);
    r.energize(2, 8.0, AiUse::Cloud);
    r.energize(2, 4.0, AiUse::Colocation);
    assert_eq!(r.site(2).converting_mw, 0.0);
    assert_eq!((r.totals().ai_cloud, r.totals().ai_colo), (8.0, 4.0));
    // The cloud contract ends: a vacant shell; the site shuts: vacant shells fall idle.
    r.cloud_to_shell(2, 8.0);
    assert_eq!((r.site(2).ai_cloud_mw, r.site(2).ai_colo_mw), (0.0, 12.0));
    r.site_mut(2).leased_colo_mw = 4.0;
    r.start_converting(2, 3.0);
    r.shut(2);
    let s = r.site(2);
    assert!(s.shut);
    assert_eq!((s.converting_mw, s.ai_colo_mw), (0.0, 4.0));
    assert_eq!(
        (
            r.totals().converting,
            r.totals().ai_colo,
            r.totals().ai_cloud
        ),
        (0.0, 4.0, 0.0)
    );
    assert_eq!(s.idle_mw(), 26.0);
    r.check_sites().unwrap();
}

#[test]
fn sites_change_hands_and_regions() {
    let mut r = registry();
    r.transfer(1, 1);
    assert_eq!(r.firm(1).sites, vec![2, 1]);
    assert_eq!(r.site(1).owner, 1);
    let mut out = Vec::new();
    r.firm_running_ths(&fleet(), &mut out);
    assert_eq!(out, vec![0.0, 0.0]);
    // A banned US site moves to China or Canada (the only other capacity), by capacity.
    let mut seen = [0usize; Region::ALL.len()];
    for _ in 0..1000 {
        let to = r.relocation_region(0, 0).unwrap();
        seen[to.index()] += 1;
    }
    assert_eq!(seen[Region::US.index()], 0);
    let (cn, ca) = (seen[Region::China.index()], seen[Region::Canada.index()]);
    assert_eq!(cn + ca, 1000);
    assert!(
        (300..500).contains(&cn),
        "{cn} of 1000 to China (20 of 50 MW)"
    );
    let lost = r.relocate(0, Region::Canada);
    assert_eq!(lost, 10.0);
    assert_eq!(r.site(0).relocating_mw, 10.0);
    assert_eq!(r.totals().capacity, 50.0);
    r.expand(0, 4.0);
    r.site_mut(0).expansion_ordered(4.0);
    assert_eq!((r.site(0).capacity_mw, r.site(0).relocating_mw), (4.0, 6.0));
    // Firm 0 still lists site 1: a transfer follows `take_sites` (a bankruptcy).
    assert_eq!(r.take_sites(0), vec![0, 1]);
    assert!(r.firm(0).sites.is_empty());
    // Nowhere to go when every other site is shut.
    r.site_mut(1).shut = true;
    r.site_mut(2).shut = true;
    assert_eq!(r.relocation_region(0, 0), None);
}

#[test]
fn a_broken_site_is_reported() {
    let mut r = registry();
    r.start_converting(0, 11.0);
    assert!(matches!(
        r.check_sites(),
        Err(InvariantError::OverCapacity { site: 0, .. })
    ));
}
