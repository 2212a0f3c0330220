"""The dashboard a run writes, opened in a real headless browser (Debian's chromium, which
`make test` puts on the machine), offline: it renders without script errors, asks for
nothing over the network, and shows the marts' figures."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import published_rows
from tthc.vn_format import number, percent

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def page(built):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.errors, page.requests = [], []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("request", lambda r: r.url.startswith("file:") or page.requests.append(r.url))
        page.goto(built.dashboard.as_uri())
        yield page
        browser.close()


def tiles(page) -> dict[str, str]:
    return {t.get_attribute("data-kpi"): t.locator(".rate").inner_text() for t in page.locator(".tile").all()}


def province_rates(built, period: str) -> dict[str, str]:
    return {kpi: percent(rate) for kpi, rate in published_rows(
        built, "select kpi, rate from marts.fct_kpi_scorecard where period_id = ? and scope = 'province'", [period])}


def test_it_renders_offline_without_script_errors(page):
    assert page.errors == [] and page.requests == []
    assert page.title() == "Chỉ tiêu cung cấp dịch vụ công trực tuyến"
    assert page.locator(".tile").count() == 6 and page.locator("#charts svg").count() == 6


def test_tiles_show_the_provinces_kpis_of_the_chosen_period(built, page):
    shown = page.locator("#period").input_value()
    assert shown.startswith("month_")  # a month opens the page
    assert tiles(page) == province_rates(built, shown)
    page.select_option("#period", "campaign_2022_q1")
    assert tiles(page) == province_rates(built, "campaign_2022_q1")
    (target, verdict), = published_rows(built, "select target_rate, verdict from marts.fct_kpi_scorecard where kpi = "
                                      "'online_dossier_rate' and period_id = 'campaign_2022_q1' and scope = 'province'")
    tile = page.locator('.tile[data-kpi="online_dossier_rate"]')
    assert tile.locator(".target").inner_text() == percent(target) and verdict in tile.inner_text()


def test_the_chart_follows_the_chosen_unit_month_by_month(built, page):
    code, name = published_rows(built, "select unit_code, unit_name from marts.dim_unit where unit_code = 'LRB-689'")[0]
    page.select_option("#unit", code)
    series = page.locator('.chart[data-kpi="online_dossier_rate"] g[data-series="unit"]')
    assert series.get_attribute("data-code") == code and page.locator("#legend-unit").inner_text() == name
    drawn = {c.get_attribute("data-period"): c.get_attribute("data-rate") for c in series.locator("circle").all()}
    expected = {p: percent(r) for p, r in published_rows(built, """
        select period_id, rate from marts.fct_kpi_scorecard
        where kpi = 'online_dossier_rate' and scope = 'unit' and scope_code = ? and period_kind = 'month'
          and rate is not null""", [code])}
    assert drawn == expected and len(expected) >= 2


def test_the_unit_choice_lists_every_unit_with_figures_once(built, page):
    listed = [o.get_attribute("value") for o in page.locator("#unit option").all()]
    expected = {code for (code,) in published_rows(
        built, "select distinct scope_code from marts.fct_kpi_scorecard where scope = 'unit'")}
    assert sorted(listed) == sorted(expected) and len(listed) > 100


def test_the_ranking_orders_units_by_the_chosen_kpi(built, page):
    page.select_option("#period", "campaign_2022_q1")
    page.select_option("#ranking-kpi", "on_time_resolution")
    shown = page.locator("#ranking td.rate").all_inner_texts()
    rates = published_rows(built, """select rate from marts.fct_kpi_scorecard where kpi = 'on_time_resolution'
                            and period_id = 'campaign_2022_q1' and scope = 'unit' and rate is not null order by rate desc""")
    assert shown == [percent(r) for (r,) in rates] and len(shown) > 50


def test_reconciliation_reporting_status_and_data_quality_come_from_the_run(built, page):
    gaps = page.locator("#reconciliation td.gap").all_inner_texts()
    (largest,), = published_rows(built, "select received_gap from marts.fct_unit_report_reconciliation order by abs(received_gap) desc limit 1")
    assert gaps and gaps[0] == number(largest)
    (findings,), = published_rows(built, "select count(*) from audit.unit_report_findings")
    assert page.locator("#findings-total").inner_text() == number(findings) and findings >= 21  # seed 000's: 19 + 2
    assert page.locator("#findings tr").count() == min(findings, 25) + 1
    (checks,), = published_rows(built, "select count(*) from audit.validation_results where run_id = 'session-build'")
    assert page.locator("#checks tr").count() == checks + 1  # and the header
    reporting = page.locator("#reporting tr").all_inner_texts()
    assert any("GRIS" in r and "/111" in r for r in reporting)
