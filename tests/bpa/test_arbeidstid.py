"""Working-time rules (aml. kap. 10) for BPA shift plans: one block of tests per rule, then properties.

Unit tests: a plan at the limit passes, a minute (or an hour) over fails, and the message names the
paragraph and the shift. Property tests: an independent brute-force checker on a 15-minute grid
(written here, from the definitions in the module docstring) agrees with :func:`check` on every
blokk rule for random plans, so a plan the module accepts never breaks a stated limit, and each
constructed violating plan is caught.

Dates: March 2026 has no holidays; Monday 2 March is the start of week 10.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhet.bpa.rules.arbeidstid import (
    ARBEIDSTILSYNET_10_5_3,
    AVTALE_10_5_1,
    LOV,
    OSLO,
    PRESETS,
    PRIVAT_HJEM_2022,
    RULE_NAMES,
    RULE_TITLES,
    TARIFF_10_5_2,
    TURNUS_10_4_4,
    InvalidShift,
    Limits,
    Shift,
    Violation,
    check,
    fmt_hours,
    is_lawful,
)

# --- helpers ------------------------------------------------------------------------------------


def moment(text: str) -> datetime:
    """«2026-03-06 22:00» → naive Oslo wall clock."""
    return datetime.fromisoformat(text)


def vakt(start: str, end: str, who: str = "Kari", *, passive_hours: float = 0.0) -> Shift:
    return Shift(who, moment(start), moment(end), passive_hours=passive_hours)


def days(first: str, n: int, start: str, end: str, who: str = "Kari", step: int = 1) -> list[Shift]:
    """``n`` shifts from ``start`` to ``end`` (clock times), every ``step`` days from ``first``."""
    day = date.fromisoformat(first)
    out = []
    for k in range(n):
        d = day + timedelta(days=k * step)
        a = datetime.combine(d, time.fromisoformat(start))
        b = datetime.combine(d, time.fromisoformat(end))
        if b <= a:
            b += timedelta(days=1)
        out.append(Shift(who, a, b))
    return out


def week(monday: str, hours: list[float], start: str = "08:00", who: str = "Kari") -> list[Shift]:
    """One shift a day from ``monday``, ``hours[i]`` long on day i (0 = no shift)."""
    day = date.fromisoformat(monday)
    out = []
    for i, h in enumerate(hours):
        if h:
            a = datetime.combine(day + timedelta(days=i), time.fromisoformat(start))
            out.append(Shift(who, a, a + timedelta(hours=h)))
    return out


def rules(violations: list[Violation], severity: str | None = None) -> set[str]:
    return {v.rule for v in violations if severity is None or v.severity == severity}


def only(violations: list[Violation], rule: str) -> Violation:
    found = [v for v in violations if v.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- shifts -------------------------------------------------------------------------------------


def test_a_shift_must_end_after_it_starts() -> None:
    with pytest.raises(InvalidShift, match="slutter ikke etter at den begynner"):
        vakt("2026-03-06 22:00", "2026-03-06 07:00")


def test_a_shift_needs_an_assistant_and_sensible_passive_hours() -> None:
    with pytest.raises(InvalidShift, match="mangler assistent"):
        vakt("2026-03-06 08:00", "2026-03-06 16:00", who=" ")
    with pytest.raises(InvalidShift, match="flere passive timer"):
        vakt("2026-03-06 08:00", "2026-03-06 16:00", passive_hours=9)
    with pytest.raises(InvalidShift, match="negative"):
        vakt("2026-03-06 08:00", "2026-03-06 16:00", passive_hours=-1)


def test_shifts_without_an_id_are_numbered_in_the_order_given() -> None:
    violations = check([vakt("2026-03-02 08:00", "2026-03-02 16:00"), vakt("2026-03-02 15:00", "2026-03-02 18:00")])
    assert only(violations, "overlapp").shifts == ("#1", "#2")


def test_naive_times_are_oslo_wall_clock_and_aware_times_are_converted() -> None:
    naive = [vakt("2026-03-06 22:00", "2026-03-07 07:00"), vakt("2026-03-07 15:00", "2026-03-07 23:00")]
    aware = [
        Shift("Kari", datetime(2026, 3, 6, 21, tzinfo=UTC), datetime(2026, 3, 7, 6, tzinfo=UTC)),
        Shift("Kari", datetime(2026, 3, 7, 14, tzinfo=UTC), datetime(2026, 3, 7, 22, tzinfo=UTC)),
    ]
    assert [v.message for v in check(naive)] == [v.message for v in check(aware)]


def test_a_night_over_the_autumn_clock_change_lasts_an_hour_longer() -> None:
    # 25 October 2026: 03:00 summer time becomes 02:00; 22:00-07:00 is 10 real hours.
    autumn = only(check([vakt("2026-10-24 22:00", "2026-10-25 07:00")]), "alminnelig_dogn")
    assert "10 t arbeid" in autumn.message
    # 29 March 2026: 02:00 becomes 03:00; the same shift is 8 hours and within 9.
    assert "alminnelig_dogn" not in rules(check([vakt("2026-03-28 22:00", "2026-03-29 07:00")]))


# --- overlapp (aml. § 10-1) ---------------------------------------------------------------------


def test_touching_shifts_do_not_overlap() -> None:
    plan = [vakt("2026-03-02 08:00", "2026-03-02 12:00"), vakt("2026-03-02 12:00", "2026-03-02 16:00")]
    assert "overlapp" not in rules(check(plan))


def test_overlapping_shifts_of_one_assistant_are_a_blokk() -> None:
    plan = [vakt("2026-03-02 08:00", "2026-03-02 12:01"), vakt("2026-03-02 12:00", "2026-03-02 16:00")]
    v = only(check(plan), "overlapp")
    assert v.severity == "blokk"
    assert v.message == (
        "Vakt man. 2.3. 08:00–12:01 overlapper vakt man. 2.3. 12:00–16:00 (1 min samtidig): én assistent kan ikke "
        "ha to vakter på en gang (aml. § 10-1 første ledd)."
    )


def test_two_assistants_may_work_at_the_same_time() -> None:
    plan = [vakt("2026-03-02 08:00", "2026-03-02 16:00"), vakt("2026-03-02 08:00", "2026-03-02 16:00", who="Ola")]
    assert check(plan) == []


# --- samlet_dogn (aml. § 10-6 åttende ledd) -----------------------------------------------------


def test_thirteen_hours_in_24_is_the_total_cap() -> None:
    assert "samlet_dogn" not in rules(check([vakt("2026-03-02 07:00", "2026-03-02 20:00")]))
    v = only(check([vakt("2026-03-02 07:00", "2026-03-02 20:01")]), "samlet_dogn")
    assert v.severity == "blokk"
    assert v.paragraph == "aml. § 10-6 åttende ledd"
    assert v.message.startswith("Vakt man. 2.3. 07:00–20:01: 13 t 1 min arbeid i løpet av 24 t fra man. 2.3. 07:00")
    assert v.message.endswith("høyst 13 t i løpet av 24 t (aml. § 10-6 åttende ledd).")


def test_the_24_hours_slide_over_midnight() -> None:
    # 20:00-02:00 and 10:00-17:30 are 13.5 h within 24 h, though each day has 7.5 h at most. (With 11 h
    # rest inside the 24 h, at most 13 h can be worked in them: the 8 h rest of a tariff agreement is
    # what lets the total cap bite alone.)
    plan = [vakt("2026-03-02 20:00", "2026-03-03 02:00"), vakt("2026-03-03 10:00", "2026-03-03 17:30")]
    violations = check(plan, dataclasses.replace(LOV, daily_rest=8.0))
    assert rules(violations, "blokk") == {"samlet_dogn"}
    assert only(violations, "samlet_dogn").shifts == ("#1", "#2")
    assert rules(check(plan), "blokk") == {"samlet_dogn", "daglig_hvile"}


def test_a_tariff_agreement_may_raise_the_total_day() -> None:
    sixteen = dataclasses.replace(LOV, total_day=16.0)
    assert "samlet_dogn" not in rules(check([vakt("2026-03-02 07:00", "2026-03-02 22:00")], sixteen))


# --- daglig_hvile (aml. § 10-8 første ledd) ------------------------------------------------------


def test_eleven_hours_rest_is_enough() -> None:
    plan = [vakt("2026-03-06 20:00", "2026-03-07 04:00"), vakt("2026-03-07 15:00", "2026-03-07 23:00")]
    assert "daglig_hvile" not in rules(check(plan))


def test_less_than_eleven_hours_rest_is_a_blokk_named_by_the_shift() -> None:
    plan = [vakt("2026-03-06 22:00", "2026-03-07 07:00"), vakt("2026-03-07 15:00", "2026-03-07 23:00")]
    v = only(check(plan), "daglig_hvile")
    assert v.severity == "blokk"
    assert v.message == (
        "Vakt fre. 6.3. 22:00–07:00: bare 8 t hvile før neste vakt lør. 7.3. 15:00 "
        "(minst 11 t, aml. § 10-8 første ledd)."
    )
    assert v.shifts == ("#1", "#2")


def test_a_minute_short_of_eleven_hours_is_caught() -> None:
    plan = [vakt("2026-03-06 20:00", "2026-03-07 04:01"), vakt("2026-03-07 15:00", "2026-03-07 23:00")]
    assert "10 t 59 min hvile" in only(check(plan), "daglig_hvile").message


def test_a_split_shift_with_a_long_night_rest_is_lawful() -> None:
    plan = days("2026-03-02", 5, "07:00", "11:00") + days("2026-03-02", 5, "15:00", "19:00")
    assert "daglig_hvile" not in rules(check(plan))


def test_short_gaps_all_day_leave_too_little_rest() -> None:
    # 08-12, 13-17 and 18-22 two days running: a working day spread over 14 h leaves 10 h rest in the
    # 24 h from 08:00, on both days (the rest after the last day runs on, but only 10 h of it counts).
    plan = days("2026-03-02", 2, "08:00", "12:00") + days("2026-03-02", 2, "13:00", "17:00")
    plan += days("2026-03-02", 2, "18:00", "22:00")
    found = [v for v in check(plan) if v.rule == "daglig_hvile"]
    assert len(found) == 2  # one short rest a day, each reported once
    assert found[0].message == (
        "Vakt man. 2.3. 08:00–12:00: i de 24 timene fra vaktstart er lengste sammenhengende hvile bare 10 t "
        "(man. 2.3. 22:00–tir. 3.3. 08:00) (minst 11 t, aml. § 10-8 første ledd)."
    )


def test_a_long_day_followed_by_a_long_rest_still_breaks_the_daily_rest() -> None:
    # 07:00-21:00 then off: 14 h leave only 10 h of rest in the 24 h from 07:00.
    assert "daglig_hvile" in rules(check([vakt("2026-03-02 07:00", "2026-03-02 21:00")]))
    assert "daglig_hvile" not in rules(check([vakt("2026-03-02 07:00", "2026-03-02 20:00")]))


def test_a_shift_over_24_hours_gives_no_rest() -> None:
    v = only(check([vakt("2026-03-02 08:00", "2026-03-03 10:00")]), "daglig_hvile")
    assert "ingen hvile i de 24 timene fra vaktstart" in v.message


def test_a_tariff_agreement_may_shorten_the_rest_to_eight_hours() -> None:
    plan = [vakt("2026-03-06 22:00", "2026-03-07 07:00"), vakt("2026-03-07 16:00", "2026-03-07 20:00")]
    assert "daglig_hvile" in rules(check(plan))
    assert "daglig_hvile" not in rules(check(plan, dataclasses.replace(LOV, daily_rest=8.0)))


# --- ukentlig_hvile (aml. § 10-8 andre ledd) -----------------------------------------------------


def test_working_every_day_leaves_no_weekly_rest() -> None:
    v = only(check(week("2026-03-02", [8] * 7)), "ukentlig_hvile")
    assert v.severity == "blokk"
    assert v.message.startswith("Uke 10 (2.3.–8.3.2026): lengste sammenhengende fri er 16 t")
    assert v.message.endswith("minst 35 t sammenhengende (aml. § 10-8 andre ledd).")
    assert len(v.shifts) == 7


def test_thirty_five_hours_inside_the_week_is_enough() -> None:
    plan = week("2026-03-02", [8, 8, 8, 8, 8])  # Mon-Fri 08-16
    assert "ukentlig_hvile" not in rules(check([*plan, vakt("2026-03-08 03:00", "2026-03-08 11:00")]))
    # Friday 16:00 to Sunday 02:59 is 34 h 59 min; Sunday 11:00 to Monday 00:00 only 13 h.
    v = only(check([*plan, vakt("2026-03-08 02:59", "2026-03-08 11:00")]), "ukentlig_hvile")
    assert "34 t 59 min" in v.message


def test_the_weekly_rest_must_lie_inside_the_calendar_week() -> None:
    # Mon-Sat 08-16 and Sunday 08-10: the rest from Sunday 10:00 runs to Tuesday, but only 14 h of it
    # lies in week 10.
    plan = [*week("2026-03-02", [8, 8, 8, 8, 8, 8, 2]), vakt("2026-03-10 08:00", "2026-03-10 16:00")]
    v = only(check(plan), "ukentlig_hvile")
    assert v.where.startswith("uke 10")


def test_the_whole_calendar_day_requirement_is_optional() -> None:
    # Free from Saturday 07:00 to Sunday 20:00: 37 h, but no whole calendar day.
    plan = [*week("2026-03-02", [8, 8, 8, 8, 8]), vakt("2026-03-06 23:00", "2026-03-07 07:00")]
    plan.append(vakt("2026-03-08 20:00", "2026-03-08 23:30"))
    assert "ukentlig_hvile" not in rules(check(plan))
    strict = dataclasses.replace(LOV, weekly_rest_whole_day=True)
    assert "et helt døgn" in only(check(plan, strict), "ukentlig_hvile").message


# --- alminnelig arbeidstid (aml. §§ 10-4, 10-5): advarsel ---------------------------------------


def test_nine_hours_a_day_is_ordinary_and_more_is_overtime() -> None:
    assert check([vakt("2026-03-02 08:00", "2026-03-02 17:00")]) == []
    v = only(check([vakt("2026-03-02 08:00", "2026-03-02 17:15")]), "alminnelig_dogn")
    assert v.severity == "advarsel"
    assert v.message == (
        "Vakt man. 2.3. 08:00–17:15: 9 t 15 min arbeid som begynner man. 2.3., men alminnelig arbeidstid er høyst "
        "9 t per døgn (aml. § 10-4 første ledd). 15 min er overtid, som krever et særlig og tidsavgrenset behov "
        "(aml. § 10-6 første ledd)."
    )
    assert is_lawful([v])


def test_a_work_period_over_midnight_belongs_to_the_day_it_starts() -> None:
    # 20:00-08:00 is one work period of 12 h on Monday, not 4 h + 8 h.
    assert (
        "12 t arbeid som begynner man. 2.3."
        in only(check([vakt("2026-03-02 20:00", "2026-03-03 08:00")]), "alminnelig_dogn").message
    )
    # Touching shifts are one period too.
    touching = [vakt("2026-03-02 16:00", "2026-03-03 00:00"), vakt("2026-03-03 00:00", "2026-03-03 02:00")]
    assert "10 t arbeid" in only(check(touching), "alminnelig_dogn").message


def test_passive_time_extends_the_ordinary_day_by_half_up_to_two_hours() -> None:
    assert "alminnelig_dogn" not in rules(check([vakt("2026-03-02 08:00", "2026-03-02 19:00", passive_hours=4)]))
    assert "alminnelig_dogn" in rules(check([vakt("2026-03-02 08:00", "2026-03-02 19:00", passive_hours=3)]))
    assert "alminnelig_dogn" in rules(check([vakt("2026-03-02 08:00", "2026-03-02 19:15", passive_hours=8)]))


def test_forty_hours_a_week_is_ordinary_and_more_is_overtime() -> None:
    assert check(week("2026-03-02", [8] * 5)) == []
    v = only(check(week("2026-03-02", [8, 8, 8, 8, 9])), "alminnelig_uke")
    assert v.severity == "advarsel"
    assert v.message.startswith("Uke 10 (2.3.–8.3.2026): 41 t arbeid, men alminnelig arbeidstid er høyst 40 t per uke")
    assert "1 t er overtid" in v.message


def test_turnus_work_has_a_38_hour_week() -> None:
    plan = week("2026-03-02", [7.5, 7.5, 7.5, 7.5, 8])  # 38 h
    assert check(plan, TURNUS_10_4_4) == []
    plan = week("2026-03-02", [7.5, 7.5, 7.5, 7.5, 9])  # 39 h
    assert "aml. § 10-4 fjerde ledd" in only(check(plan, TURNUS_10_4_4), "alminnelig_uke").message


def test_an_averaging_agreement_allows_longer_days_and_weeks() -> None:
    plan = week("2026-03-02", [10, 10, 10, 10]) + week("2026-03-09", [10, 10, 10, 10])  # 40 h weeks of 10 h days
    assert rules(check(plan)) == {"alminnelig_dogn"}
    assert check(plan, AVTALE_10_5_1) == []


def test_an_averaging_plan_that_averages_above_40_hours_warns() -> None:
    plan = week("2026-03-02", [9, 9, 9, 9, 9]) + week("2026-03-09", [9, 9, 9, 9, 9])  # 45 h weeks
    violations = check(plan, AVTALE_10_5_1)
    assert rules(violations) == {"alminnelig_snitt"}
    assert "i snitt 45 t per uke over 2 uker" in violations[0].message
    assert "(høyst 52 uker, aml. § 10-5 første ledd)" in violations[0].message


# --- samlet_uke_snitt, uke_maks (aml. § 10-6 åttende ledd, § 10-5) -------------------------------


def test_48_hours_a_week_averaged_over_8_weeks() -> None:
    monday = date(2026, 3, 2)
    plan = [s for k in range(8) for s in week(str(monday + timedelta(weeks=k)), [12, 12, 12, 12], start="07:00")]
    assert rules(check(plan, ARBEIDSTILSYNET_10_5_3), "blokk") == set()
    extra = vakt("2026-03-06 10:00", "2026-03-06 11:00")  # one hour more: 385 h / 8 weeks
    v = only(check([*plan, extra], ARBEIDSTILSYNET_10_5_3), "samlet_uke_snitt")
    assert v.severity == "blokk"
    assert v.message.startswith("Uke 10–17 (2.3.–26.4.2026): i snitt 48,1 t arbeid per uke over 8 uker")
    assert v.message.endswith("(aml. § 10-6 åttende ledd).")


def test_the_8_week_window_rolls() -> None:
    # Nine weeks: a 54 h week 1 then 48 h weeks; weeks 1-8 average 48.75, weeks 2-9 average 48.
    monday = date(2026, 3, 2)
    plan = [s for k in range(9) for s in week(str(monday + timedelta(weeks=k)), [12, 12, 12, 12], start="07:00")]
    plan.append(vakt("2026-03-06 07:00", "2026-03-06 13:00"))
    v = only(check(plan, TARIFF_10_5_2), "samlet_uke_snitt")
    assert v.where.startswith("uke 10–17")


def test_single_week_maximum_of_an_averaging_agreement() -> None:
    two = week("2026-03-02", [10, 10, 10, 10, 10]) + week("2026-03-09", [10, 10, 10, 10, 6])  # 50 + 46
    assert rules(check(two, AVTALE_10_5_1), "blokk") == set()
    over = [*two, vakt("2026-03-07 10:00", "2026-03-07 10:30")]
    v = only(check(over, AVTALE_10_5_1), "uke_maks")
    assert v.message == (
        "Uke 10 (2.3.–8.3.2026): 50,5 t arbeid; med gjennomsnittsberegning er det høyst 50 t i en enkelt uke "
        "(aml. § 10-5 første ledd)."
    )


# --- overtime (aml. § 10-6 fjerde ledd) ---------------------------------------------------------


def test_ten_hours_overtime_a_week() -> None:
    at_limit = week("2026-03-02", [10] * 5) + week("2026-03-09", [8] * 5)  # 50 h: 10 h overtime; 45 h average
    assert rules(check(at_limit), "blokk") == set()
    over = week("2026-03-02", [10, 10, 10, 10, 10.5]) + week("2026-03-09", [8] * 5)
    v = only(check(over), "overtid_uke")
    assert v.severity == "blokk"
    assert v.message == (
        "Uke 10 (2.3.–8.3.2026): 10,5 t overtid; overtid må ikke overstige 10 t i løpet av sju dager "
        "(aml. § 10-6 fjerde ledd)."
    )


def test_daily_overtime_counts_even_when_the_week_is_less_over() -> None:
    # Four 12 h days: 48 h is 8 h over the week, but 4 × 3 h = 12 h over the days.
    plan = week("2026-03-02", [12, 12, 12, 12], start="07:00") + week("2026-03-09", [8] * 5)
    assert "12 t overtid" in only(check(plan), "overtid_uke").message


def test_25_hours_overtime_in_four_weeks() -> None:
    monday = date(2026, 3, 2)
    at_limit = [s for k in range(4) for s in week(str(monday + timedelta(weeks=k)), [9.25] * 5)]  # 6.25 h a week
    assert rules(check(at_limit), "blokk") == set()
    over = [s for k in range(4) for s in week(str(monday + timedelta(weeks=k)), [9.5] * 5)]  # 7.5 h a week
    v = only(check(over), "overtid_4_uker")
    assert v.message.startswith("Uke 10–13 (2.3.–29.3.2026): 30 t overtid over 4 uker")


def test_overtime_per_52_weeks_is_a_limit_as_data() -> None:
    plan = week("2026-03-02", [10] * 5) + week("2026-03-09", [10] * 5)  # 20 h overtime
    assert "overtid_52_uker" not in rules(check(plan))
    assert "overtid_52_uker" in rules(check(plan, dataclasses.replace(LOV, overtime_52_weeks=15)))


# --- son_helgedag (aml. § 10-8 fjerde ledd, § 10-10) ---------------------------------------------


def test_two_sundays_in_a_row_warns_and_every_other_does_not() -> None:
    assert check(days("2026-03-08", 3, "10:00", "14:00", step=14)) == []
    v = only(check(days("2026-03-08", 2, "10:00", "14:00", step=7)), "son_helgedag")
    assert v.severity == "advarsel"
    assert v.message.startswith("Arbeid både søn. 8.3. (vakt søn. 8.3. 10:00–14:00) og neste søn-/helgedag søn. 15.3.")
    assert "(aml. § 10-8 fjerde ledd, jf. § 10-10)" in v.message


def test_sunday_work_starts_at_18_the_day_before_and_ends_at_22() -> None:
    next_sunday = vakt("2026-03-15 10:00", "2026-03-15 14:00")
    assert check([vakt("2026-03-07 17:00", "2026-03-07 18:00"), next_sunday]) == []
    assert rules(check([vakt("2026-03-07 17:00", "2026-03-07 18:01"), next_sunday])) == {"son_helgedag"}
    assert check([vakt("2026-03-08 22:00", "2026-03-09 06:00"), next_sunday]) == []
    assert rules(check([vakt("2026-03-08 21:00", "2026-03-09 05:00"), next_sunday])) == {"son_helgedag"}


def test_holidays_count_and_holiday_eves_start_at_15() -> None:
    # Påskeaften 4.4.2026 from 15:00 belongs to 1. påskedag; 2. påskedag is the next helgedag.
    plan = [vakt("2026-04-04 15:00", "2026-04-04 16:00"), vakt("2026-04-06 10:00", "2026-04-06 12:00")]
    v = only(check(plan), "son_helgedag")
    assert "søn. 5.4. (Første påskedag)" in v.message
    assert "man. 6.4. (Andre påskedag)" in v.message
    assert check([vakt("2026-04-04 14:00", "2026-04-04 15:00"), plan[1]]) == []


def test_the_holidays_can_be_given() -> None:
    plan = [vakt("2026-05-17 10:00", "2026-05-17 12:00"), vakt("2026-05-14 10:00", "2026-05-14 12:00")]
    assert rules(check(plan)) == {"son_helgedag"}  # Kristi himmelfartsdag, then Grunnlovsdag (a Sunday)
    assert check(plan, holidays=frozenset()) == []


# --- natt (aml. § 10-11 sjette ledd) ------------------------------------------------------------


def nights(limits_week: list[float], first_monday: str = "2026-03-02", start: str = "21:00") -> list[Shift]:
    monday = date.fromisoformat(first_monday)
    return [s for k in range(4) for s in week(str(monday + timedelta(weeks=k)), limits_week, start=start)]


def test_regular_night_work_averaging_over_8_hours_warns() -> None:
    # Four 12 h nights a week for four weeks under § 10-5 (2): 192 h / ((4 × 168 − 4 × 35) / 24) = 8.66 h.
    plan = nights([12, 12, 12, 12])
    v = only(check(plan, TARIFF_10_5_2), "natt")
    assert v.severity == "advarsel"
    assert "16 netter med mer enn 3 t nattarbeid (21:00–06:00) på 4 uker" in v.message
    assert "i snitt 8,7 t per døgn" in v.message
    assert v.message.endswith("(aml. § 10-11 sjette ledd).")
    # The same hours by day are not night work.
    assert "natt" not in rules(check(nights([12, 12, 12, 12], start="07:00"), TARIFF_10_5_2))


def test_a_forty_hour_night_week_is_within_the_night_average() -> None:
    assert "natt" not in rules(check(nights([8, 8, 8, 8, 8], start="22:00")))


def test_more_than_three_hours_at_night() -> None:
    three = nights([3] * 7, start="21:00")  # 21:00-00:00 every day, 3 h of night: not a night worker
    assert "natt" not in rules(check(three, dataclasses.replace(LOV, night_average_day=0.1)))
    over = nights([3.25] * 7, start="21:00")
    assert "natt" in rules(check(over, dataclasses.replace(LOV, night_average_day=0.1)))


def test_the_private_home_night_starts_at_23() -> None:
    plan = nights([4] * 5, start="21:00")  # 21:00-01:00: 4 h of aml. night, 2 h of the forskrift's
    strict_lov = dataclasses.replace(LOV, night_average_day=0.1)
    strict_hjem = dataclasses.replace(PRIVAT_HJEM_2022, night_average_day=0.1)
    assert "natt" in rules(check(plan, strict_lov))
    assert "natt" not in rules(check(plan, strict_hjem))


# --- presets and the result -----------------------------------------------------------------------


def test_presets_hold_the_numbers_of_the_fact_sheet() -> None:
    assert set(PRESETS) == {
        "lov",
        "avtale-10-5-1",
        "tariff-10-5-2",
        "arbeidstilsynet-10-5-3",
        "turnus-10-4-4",
        "privat-hjem",
    }
    assert (LOV.ordinary_day, LOV.ordinary_week, LOV.total_day, LOV.total_week) == (9, 40, 13, 48)
    assert (LOV.daily_rest, LOV.weekly_rest, LOV.night_start, LOV.night_end) == (11, 35, time(21), time(6))
    assert (AVTALE_10_5_1.ordinary_day, AVTALE_10_5_1.ordinary_week_max) == (10, 50)
    assert (TARIFF_10_5_2.ordinary_day, TARIFF_10_5_2.ordinary_week_max) == (12.5, 54)
    assert (ARBEIDSTILSYNET_10_5_3.ordinary_day, ARBEIDSTILSYNET_10_5_3.ordinary_average_weeks) == (13, 26)
    assert TURNUS_10_4_4.ordinary_week == 38
    assert PRIVAT_HJEM_2022.night_start == time(23)
    assert "ikke bekreftet" in PRIVAT_HJEM_2022.daily_rest_paragraph
    assert set(RULE_TITLES) == set(RULE_NAMES)


def test_violations_come_per_assistant_in_time_order() -> None:
    plan = [
        vakt("2026-03-07 15:00", "2026-03-07 23:00", who="Ola"),
        vakt("2026-03-06 22:00", "2026-03-07 07:00", who="Ola"),
        vakt("2026-03-02 07:00", "2026-03-02 21:00", who="Anne"),
    ]
    violations = check(plan)
    assert [v.assistant for v in violations] == ["Anne", "Anne", "Anne", "Ola", "Ola"]
    assert [v.rule for v in violations] == [
        "samlet_dogn",
        "daglig_hvile",
        "alminnelig_dogn",
        "samlet_dogn",
        "daglig_hvile",
    ]
    assert not is_lawful(violations)


def test_fmt_hours() -> None:
    assert [fmt_hours(s) for s in (8 * 3600, 7.75 * 3600, 1800, 59)] == ["8 t", "7 t 45 min", "30 min", "1 min"]


# --- property tests: an independent brute-force checker on a 15-minute grid ---------------------

SLOT = timedelta(minutes=15)
PER_HOUR = 4
BLOKK_RULES = {
    "overlapp",
    "samlet_dogn",
    "daglig_hvile",
    "ukentlig_hvile",
    "samlet_uke_snitt",
    "uke_maks",
    "overtid_uke",
    "overtid_4_uker",
    "overtid_52_uker",
}


def _windows(n: int, size: int | None) -> list[tuple[int, int]]:
    if size is None or n <= size:
        return [(0, n)]
    return [(i, i + size) for i in range(n - size + 1)]


def brute_force(shifts: list[Shift], lim: Limits) -> set[tuple[str, str]]:
    """(assistant, rule) for every blokk limit broken, computed minute by minute (15-minute slots).

    Written from the definitions, not from the module: every 24 h window (not only those at shift
    starts); work periods as runs of worked slots; rest as runs of free slots.
    """
    shifts = [
        dataclasses.replace(
            s, start=s.start.replace(tzinfo=s.start.tzinfo or OSLO), end=s.end.replace(tzinfo=s.end.tzinfo or OSLO)
        )
        for s in shifts
    ]
    t0 = min(s.start for s in shifts)
    end = max(s.end for s in shifts)
    n = (end - t0) // SLOT + 1  # the last slot is free

    def slot(moment: datetime) -> int:
        return (moment - t0) // SLOT

    def local_day(k: int) -> date:
        return (t0 + k * SLOT).astimezone(OSLO).date()

    first = local_day(0)
    first_monday = first - timedelta(days=first.weekday())
    last = local_day(n - 2)
    n_weeks = (last - first_monday).days // 7 + 1
    # Each week runs to the next local Monday midnight (a clock change makes it 167 or 169 h).
    mondays = [datetime.combine(first_monday + timedelta(weeks=w), time(0), OSLO) for w in range(n_weeks + 1)]
    bounds = [(slot(mondays[w]), slot(mondays[w + 1])) for w in range(n_weeks)]

    found: set[tuple[str, str]] = set()
    by_assistant: dict[str, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_assistant[s.assistant].append(s)
    for who, own in by_assistant.items():
        cover = [0] * n
        for s in own:
            for k in range(slot(s.start), slot(s.end)):
                cover[k] += 1
        if any(c > 1 for c in cover):
            found.add((who, "overlapp"))
        worked = [c > 0 for c in cover]
        prefix = [0]
        for w_ in worked:
            prefix.append(prefix[-1] + w_)

        if any(prefix[min(t + 96, n)] - prefix[t] > lim.total_day * PER_HOUR for t in range(n)):
            found.add((who, "samlet_dogn"))

        runs = []
        k = 0
        while k < n:
            if worked[k]:
                j = k
                while j < n and worked[j]:
                    j += 1
                runs.append((k, j))
                k = j
            else:
                k += 1
        day_slots: dict[date, int] = defaultdict(int)
        for a, b in runs:
            day_slots[local_day(a)] += b - a
        week_slots = [0] * n_weeks
        daily_ot = [0.0] * n_weeks
        for day, v in day_slots.items():
            w = (day - first_monday).days // 7
            week_slots[w] += v
            daily_ot[w] += max(0.0, v - lim.ordinary_day * PER_HOUR)
        if lim.ordinary_week_average_weeks is not None:
            cap = lim.ordinary_week_max if lim.ordinary_week_max is not None else lim.ordinary_week
        else:
            cap = lim.ordinary_week
        overtime = [max(0.0, daily_ot[w], week_slots[w] - cap * PER_HOUR) for w in range(n_weeks)]
        for i, j in _windows(n_weeks, lim.total_week_average_weeks):
            if sum(week_slots[i:j]) > lim.total_week * PER_HOUR * (j - i):
                found.add((who, "samlet_uke_snitt"))
        if lim.ordinary_week_max is not None and any(v > lim.ordinary_week_max * PER_HOUR for v in week_slots):
            found.add((who, "uke_maks"))
        if any(v > lim.overtime_week * PER_HOUR for v in overtime):
            found.add((who, "overtid_uke"))
        for size, limit, rule in (
            (4, lim.overtime_4_weeks, "overtid_4_uker"),
            (52, lim.overtime_52_weeks, "overtid_52_uker"),
        ):
            if any(sum(overtime[i:j]) > limit * PER_HOUR for i, j in _windows(n_weeks, size)):
                found.add((who, rule))

        # Daily rest: the 96 slots from each shift start must hold a free run of 11 h.
        for s in own:
            t = slot(s.start)
            longest = run = 0
            for u in range(t, t + 96):
                run = 0 if u < n and worked[u] else run + 1
                longest = max(longest, run)
            if longest < lim.daily_rest * PER_HOUR:
                found.add((who, "daglig_hvile"))

        # Weekly rest: the longest free run inside each calendar week with work in it.
        for ws, we in bounds:
            inside = [worked[k] if 0 <= k < n else False for k in range(ws, we)]
            if not any(inside):
                continue
            longest = run = 0
            for busy in inside:
                run = 0 if busy else run + 1
                longest = max(longest, run)
            if longest < lim.weekly_rest * PER_HOUR:
                found.add((who, "ukentlig_hvile"))
    return found


def module(shifts: list[Shift], lim: Limits) -> set[tuple[str, str]]:
    return {(v.assistant, v.rule) for v in check(shifts, lim) if v.severity == "blokk"}


MONDAYS = [date(2026, 3, 23), date(2026, 10, 19), date(2026, 6, 1), date(2026, 12, 21), date(2026, 3, 2)]


@st.composite
def plans(draw: st.DrawFn, *, dense: bool) -> list[Shift]:
    """Several assistants, shifts of 1-16 h over 2-10 weeks, on a 15-minute grid (aware UTC times)."""
    monday = draw(st.sampled_from(MONDAYS))
    weeks = draw(st.integers(2, 10))
    horizon = weeks * 7 * 96
    base = datetime.combine(monday, time(0), OSLO).astimezone(UTC)
    if dense:
        gaps = st.integers(-8, 3 * 96)
        lengths = st.integers(4, 64)
    else:
        gaps = st.one_of(st.integers(44, 120), st.integers(140, 240), st.integers(4, 44))
        lengths = st.integers(4, 52)
    who_all = draw(st.lists(st.sampled_from(["Anne", "Bjørn", "Cato"]), min_size=1, max_size=3, unique=True))
    shifts = []
    for who in who_all:
        t = draw(st.integers(0, 2 * 96))
        for k in range(draw(st.integers(1, weeks * 7))):
            length = draw(lengths)
            if t + length > horizon:
                break
            shifts.append(Shift(who, base + t * SLOT, base + (t + length) * SLOT, id=f"{who}{k}"))
            t += length + draw(gaps)
    return shifts


@st.composite
def rotas(draw: st.DrawFn) -> list[Shift]:
    """Regular weekly patterns near the limits (6-13 h shifts, 3-7 days a week), each shift jittered."""
    monday = draw(st.sampled_from(MONDAYS))
    weeks = draw(st.integers(2, 10))
    base = datetime.combine(monday, time(0), OSLO).astimezone(UTC)
    shifts = []
    for who in draw(st.lists(st.sampled_from(["Anne", "Bjørn", "Cato"]), min_size=1, max_size=3, unique=True)):
        start = draw(st.integers(0, 95))
        length = draw(st.integers(24, 52))
        pattern = draw(st.lists(st.booleans(), min_size=7, max_size=7))
        for w in range(weeks):
            if draw(st.integers(0, 3)) == 0:  # now and then a week of its own
                pattern = draw(st.lists(st.booleans(), min_size=7, max_size=7))
            for d in range(7):
                if pattern[d]:
                    t = (w * 7 + d) * 96 + start + draw(st.integers(-6, 6))
                    extra = draw(st.integers(-4, 4))
                    shifts.append(Shift(who, base + t * SLOT, base + (t + length + extra) * SLOT, id=f"{who}{w}.{d}"))
    if not shifts:
        shifts.append(Shift("Anne", base + 32 * SLOT, base + 64 * SLOT))
    return shifts


LIMITS = st.sampled_from(list(PRESETS.values()))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plans(dense=True), LIMITS)
def test_check_and_brute_force_agree_on_every_blokk_rule_for_dense_plans(shifts: list[Shift], lim: Limits) -> None:
    assert module(shifts, lim) == brute_force(shifts, lim)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(plans(dense=False), rotas()), LIMITS)
def test_a_plan_the_module_accepts_breaks_no_stated_limit(shifts: list[Shift], lim: Limits) -> None:
    violations = check(shifts, lim)
    broken = brute_force(shifts, lim)
    if is_lawful(violations):
        assert broken == set()
    assert module(shifts, lim) == broken
    by_id = {s.id: s for s in shifts}
    for v in violations:  # every violation names its own assistant's shifts and its paragraph
        assert v.shifts and all(by_id[i].assistant == v.assistant for i in v.shifts)
        assert v.paragraph in v.message


def test_the_lawful_strategy_is_not_vacuous() -> None:
    plan = [s for k in range(6) for s in week(str(date(2026, 8, 31) + timedelta(weeks=k)), [8] * 5)]
    assert check(plan) == [] and brute_force(plan, LOV) == set()


# --- constructed violations: the converse, one limit at a time ----------------------------------

START = st.builds(
    lambda d, q: datetime.combine(date(2026, 3, 2) + timedelta(days=d), time(0), OSLO).astimezone(UTC) + q * SLOT,
    st.integers(0, 240),
    st.integers(0, 95),
)


def caught(shifts: list[Shift], lim: Limits, rule: str) -> None:
    assert ("Kari", rule) in module(shifts, lim)
    assert ("Kari", rule) in brute_force(shifts, lim)


@settings(max_examples=40, deadline=None)
@given(START, st.integers(4, 64), st.integers(1, 63), st.integers(4, 64), LIMITS)
def test_overlap_is_always_caught(start: datetime, a: int, into: int, b: int, lim: Limits) -> None:
    into = min(into, a - 1)
    first = Shift("Kari", start, start + a * SLOT)
    second = Shift("Kari", start + into * SLOT, start + (into + b) * SLOT)
    caught([first, second], lim, "overlapp")


@settings(max_examples=40, deadline=None)
@given(START, st.integers(1, 12), LIMITS)
def test_a_day_over_the_total_cap_is_always_caught(start: datetime, extra: int, lim: Limits) -> None:
    length = int(lim.total_day * PER_HOUR) + extra
    caught([Shift("Kari", start, start + length * SLOT)], lim, "samlet_dogn")


@settings(max_examples=40, deadline=None)
@given(START, st.integers(28, 64), st.integers(4, 43), st.integers(28, 64), LIMITS)
def test_a_short_rest_is_always_caught(start: datetime, a: int, gap: int, b: int, lim: Limits) -> None:
    # Two long shifts with less than 11 h between: no rest of 11 h begins within 24 h of the first.
    if a + gap + b < 96:
        b = 96 - a - gap
    first = Shift("Kari", start, start + a * SLOT)
    second = Shift("Kari", start + (a + gap) * SLOT, start + (a + gap + b) * SLOT)
    caught([first, second], lim, "daglig_hvile")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 20), st.lists(st.integers(4, 40), min_size=7, max_size=7), st.integers(0, 40), LIMITS)
def test_a_week_without_35_hours_rest_is_always_caught(
    week_no: int, lengths: list[int], start_q: int, lim: Limits
) -> None:
    # A shift every day of the week starting before 10:00: no free run of 35 h fits.
    monday = date(2026, 1, 5) + timedelta(weeks=week_no)
    shifts = []
    for d, length in enumerate(lengths):
        a = datetime.combine(monday + timedelta(days=d), time(0), OSLO).astimezone(UTC) + start_q * SLOT
        shifts.append(Shift("Kari", a, a + length * SLOT))
    sunday = shifts[-1]
    shifts[-1] = Shift("Kari", sunday.start, max(sunday.end, sunday.start + 56 * SLOT))  # to 14:00 or later
    caught(shifts, lim, "ukentlig_hvile")


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 40), st.sampled_from([LOV, TURNUS_10_4_4, PRIVAT_HJEM_2022]))
def test_weeks_over_the_overtime_and_total_limits_are_always_caught(weeks: int, extra: int, lim: Limits) -> None:
    # Six 12 h days a week (72 h): overtime 32 h > 10 h, total 72 h > 48 h average.
    monday = date(2026, 3, 2)
    shifts = []
    for w in range(weeks):
        for d in range(6):
            a = datetime.combine(monday + timedelta(weeks=w, days=d), time(7), OSLO).astimezone(UTC)
            shifts.append(Shift("Kari", a, a + 48 * SLOT + (extra if d == 0 else 0) * SLOT // 10))
    for rule in ("overtid_uke", "overtid_4_uker", "samlet_uke_snitt"):
        caught(shifts, lim, rule)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8), st.sampled_from([AVTALE_10_5_1, TARIFF_10_5_2]))
def test_a_week_over_the_single_week_maximum_is_always_caught(extra_hours: int, lim: Limits) -> None:
    assert lim.ordinary_week_max is not None
    monday = date(2026, 3, 2)
    slots = int((lim.ordinary_week_max + extra_hours) * PER_HOUR)
    shifts = []
    for d in range(6):
        a = datetime.combine(monday + timedelta(days=d), time(6), OSLO).astimezone(UTC)
        length = slots // 6 + (1 if d < slots % 6 else 0)
        shifts.append(Shift("Kari", a, a + length * SLOT))
    caught(shifts, lim, "uke_maks")
