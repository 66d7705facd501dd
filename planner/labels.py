"""Every text a planner reads, in Chinese (the default) and English, and the one way KPIs are
ordered and formatted.

The report, the workbook, `plan.xlsx`, the calendars, `planner compare`, `planner sweep` and the
command line take their words from here. The scenario's settings carry their own labels and help
texts in their descriptions (`planner.scenario.SETTINGS`), so that a rule is described once.

Importing this module imports nothing but the standard library and `planner.schema`, and changes
no global state (tested).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from planner.schema import DIMENSION_ZH

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TEXT: Mapping[str, Mapping[str, str]] = {
    # the report
    "title": {"zh": "督导走访计划", "en": "Supervisory visit plan"},
    "scenario": {"zh": "方案", "en": "Scenario"},
    "horizon": {"zh": "计划周期", "en": "Horizon"},
    "weeks_from": {"zh": "{weeks} 周，自 {start} 起", "en": "{weeks} weeks from {start}"},
    "status": {"zh": "求解状态", "en": "Solver status"},
    "optimal": {"zh": "已证明最优", "en": "proven optimal"},
    "feasible": {"zh": "可行（未证明最优）", "en": "feasible (not proven optimal)"},
    "infeasible": {"zh": "规则无法同时满足", "en": "infeasible"},
    "objective_line": {
        "zh": "目标值 {objective:.1f}，上界 {bound:.1f}，差距 {gap:.3%}（{solver}，{seconds:.2f} 秒）",
        "en": "objective {objective:.1f}, bound {bound:.1f}, gap {gap:.3%} ({solver}, {seconds:.2f} s)",
    },
    "rules": {"zh": "方案规则", "en": "The scenario's rules"},
    "weights": {"zh": "维度权重", "en": "Dimension weights"},
    "kpis": {"zh": "关键指标：优化计划与人工排序对比", "en": "Key figures: the plan against ranking by hand"},
    "districts": {"zh": "各片区风险与督导覆盖", "en": "Risk and coverage by district"},
    "weekly": {"zh": "每周走访次数", "en": "Visits per week"},
    "by_week": {"zh": "逐周走访安排", "en": "The schedule week by week"},
    "by_supervisor": {"zh": "督导员安排", "en": "The schedule supervisor by supervisor"},
    "grid": {"zh": "督导员 × 周次（走访次数）", "en": "Supervisor × week (visits)"},
    "unvisited": {"zh": "本期未安排走访的组织", "en": "Branches left without a visit"},
    "unvisited_intro": {
        "zh": "共 {n} 个组织未安排走访。其中 {lower} 个的风险低于所有被选中的组织；"
        "{rule} 个风险不低，但因规则（督导员容量、回避、跨片区成本或间隔要求）让位于其他组织。"
        "下表列出风险最高的 {shown} 个。",
        "en": "{n} branches get no visit. {lower} have lower risk than every branch chosen; "
        "{rule} are not lower, but a rule (capacity, conflicts of interest, travel cost or "
        "spacing) made other branches worth more. The {shown} riskiest are listed.",
    },
    "mandatory": {"zh": "必访组织及落实情况", "en": "Mandatory visits and how they are met"},
    "mandatory_intro": {
        "zh": "必访走访 {met}/{required} 次已落实。",
        "en": "{met} of {required} mandatory visits are planned.",
    },
    "reason_lower": {"zh": "风险较低", "en": "lower risk"},
    "reason_rule": {"zh": "受规则限制", "en": "a rule"},
    "weak_lax": {"zh": "软弱涣散", "en": "weak and lax"},
    "overdue": {"zh": "超期未督导", "en": "overdue"},
    "audit": {"zh": "随机抽查", "en": "audit draw"},
    "coverage": {"zh": "全覆盖", "en": "coverage"},
    "contact": {"zh": "联系点", "en": "contact point"},
    "followup": {"zh": "回头看", "en": "follow-up"},
    "staleness": {"zh": "久未督导", "en": "staleness"},
    "met": {"zh": "已落实", "en": "met"},
    "short": {"zh": "未落实", "en": "short"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "plan": {"zh": "优化计划", "en": "Optimised plan"},
    "baseline": {"zh": "人工排序", "en": "Ranking by hand"},
    "difference": {"zh": "差异", "en": "Difference"},
    "marginal": {"zh": "增加督导力量的边际价值", "en": "What more capacity would add"},
    "marginal_intro": {
        "zh": "由线性松弛的对偶值估算（变化率，对整次走访为下限估计；精确数字请用 planner sweep 重新求解）。"
        "全队每周多一次走访约可多化解风险 {team:.1f}。",
        "en": "Estimated from the LP relaxation's duals (rates; a lower estimate for a whole visit — "
        "planner sweep re-solves for exact figures). One more team visit every week would "
        "address about {team:.1f} more risk.",
    },
    "binding": {"zh": "约束代价（放宽后可多化解的风险）", "en": "What the rules cost"},
    "binding_mandatory": {"zh": "必访走访", "en": "mandatory visits"},
    "binding_share": {"zh": "片区最低覆盖比例（{district}）", "en": "district share ({district})"},
    "per_week": {"zh": "每周多一次走访", "en": "One more visit a week"},
    "best_slot": {"zh": "最佳单次加派", "en": "Best single extra visit"},
    "weakest": {"zh": "最弱维度", "en": "weakest"},
    # planner compare
    "compare_title": {"zh": "方案对比", "en": "Scenario comparison"},
    "baseline_objective": {"zh": "人工排序 · 目标值（风险化解量）", "en": "Ranking by hand · Objective"},
    "improvement_over_baseline": {"zh": "优化相对人工提升", "en": "Gain over ranking by hand"},
    "gap": {"zh": "最优差距", "en": "Optimality gap"},
    "bound": {"zh": "上界", "en": "bound"},
    "solve_seconds": {"zh": "求解用时（秒）", "en": "solve seconds"},
    # plan.xlsx and the calendars
    "overview_sheet": {"zh": "总览", "en": "Overview"},
    "calendar_event": {
        "zh": "督导走访：{branch}（重点：{focus}）",
        "en": "Supervisory visit: {branch} (focus: {focus})",
    },
    "calendar_description": {
        "zh": "{branch_id} · 第 {visit_no} 次 · 风险分 {risk}",
        "en": "{branch_id} · visit {visit_no} · risk {risk}",
    },
    # planner sweep
    "sweep_optimizer": {"zh": "优化计划", "en": "optimizer"},
    "sweep_baseline": {"zh": "人工排序", "en": "ranking by hand"},
    "sweep_objective": {"zh": "目标值（风险化解量）", "en": "objective (risk addressed)"},
    "sweep_value": {"zh": "参数取值", "en": "value"},
    # the command line
    "cli_plan_solved": {
        "zh": "{scenario}：{status}，目标值 {objective}（上界 {bound}，差距 {gap}），求解 {seconds:.2f} 秒",
        "en": "{scenario}: {status} plan, objective {objective} (bound {bound}, gap {gap}), "
        "solved in {seconds:.2f} s",
    },
    "cli_plan_figures": {
        "zh": "{visits} 次走访，覆盖 {branches_visited}/{n_branches} 个组织；必访落实 {met}；"
        "人工排序可达 {baseline}（优化 {gain}）",
        "en": "{visits} visits to {branches_visited} of {n_branches} branches; mandatory visits met {met}; "
        "hand ranking would reach {baseline} ({gain} for the optimizer)",
    },
    "cli_valid": {
        "zh": "{ok}：{branches} 个组织（{districts} 个片区），{supervisors} 名督导员；"
        "方案“{scenario}”，{weeks}。",
        "en": "{ok}: {branches} branches in {districts} districts, {supervisors} supervisors; "
        "scenario '{scenario}', {weeks}.",
    },
    "cli_recorded": {
        "zh": "按走访记录更新了 {changed} 个组织，其余不变。",
        "en": "{changed} branches updated from the visit log; the others are unchanged.",
    },
    "cli_history_appended": {
        "zh": "督导台账追加了 {appended} 次走访：{path}",
        "en": "{appended} visits appended to the history: {path}",
    },
    # scripts read this line: the same in both languages
    "cli_report": {"zh": "report: {path}", "en": "report: {path}"},
    # the office's year (report, app, plan.xlsx)
    "year_title": {
        "zh": "本年度进度（全覆盖、联系点、回头看）",
        "en": "The year so far (coverage, contact points, follow-up)",
    },
    "year_intro": {
        "zh": "督导年度自 {start} 起。全覆盖：每个组织每年至少走访 {need} 次；"
        "本计划之后仍欠的走访按片区列出。",
        "en": "The office's year began on {start}. Coverage: every branch is visited at least {need} "
        "time(s) a year; the visits still owed after this plan are listed by district.",
    },
    "year_figure": {"zh": "指标", "en": "Figure"},
    "year_plan": {"zh": "优化方案", "en": "Plan"},
    "year_baseline": {"zh": "人工排序", "en": "Hand ranking"},
    "year_covered_before": {"zh": "本计划前已全覆盖的组织", "en": "Branches covered before this plan"},
    "year_covered_after": {"zh": "本计划后已全覆盖的组织", "en": "Branches covered after this plan"},
    "year_owed_before": {"zh": "本年尚欠走访（计划前）", "en": "Visits owed this year (before the plan)"},
    "year_owed_after": {"zh": "本年尚欠走访（计划后）", "en": "Visits owed this year (after the plan)"},
    "year_pace": {"zh": "保持进度：须完成 / 已安排", "en": "Keep pace: required / planned"},
    "year_contact_points": {"zh": "联系点数", "en": "Contact points"},
    "year_contact_owed_after": {
        "zh": "联系点尚欠走访（计划后）",
        "en": "Visits owed to contact points (after)",
    },
    "year_followups": {"zh": "回头看：应走访 / 已安排", "en": "Follow-ups: due / planned"},
    "year_standing": {
        "zh": "有固定责任人的组织：保持 / 更换",
        "en": "Branches with a standing responsible supervisor: kept / changed",
    },
    "year_district": {"zh": "片区", "en": "District"},
    "year_owed": {"zh": "尚欠走访", "en": "Visits owed"},
    "year_due": {
        "zh": "本计划须走访的联系点与回头看，及责任人变更",
        "en": "Contact points and follow-ups due in this plan, and changes of responsible supervisor",
    },
    "year_past_end": {
        "zh": "本计划第 1–{inside} 周在本督导年度内（截至 {last}），第 {after}–{weeks} 周属于下一年度："
        "本年尚欠的走访都安排在前 {inside} 周，之后的走访计入下一年度。",
        "en": "Weeks 1–{inside} of this plan lie in the office's year (which ends on {last}), weeks "
        "{after}–{weeks} in the next: every visit still owed this year is made in the first {inside} "
        "weeks, and the later visits count toward the next year.",
    },
    "year_owed_line": {
        "zh": "本计划后本年度仍欠的走访（按片区，多者在前）：{districts}。",
        "en": "Visits still owed for the year after this plan, by district (most first): {districts}.",
    },
    "year_none_owed": {
        "zh": "本计划后本年度无尚欠走访。",
        "en": "No visits are owed for the year after this plan.",
    },
    "year_branch_id": {"zh": "组织编号", "en": "Branch"},
    "year_name": {"zh": "组织名称", "en": "Name"},
    "year_reason": {"zh": "原因", "en": "Reason"},
    "year_visits": {"zh": "安排走访", "en": "Visits"},
    "year_responsible": {"zh": "责任人", "en": "Responsible supervisor"},
    "year_changed": {"zh": "责任人变更", "en": "Responsible supervisor changed"},
    "year_coverage": {"zh": "全覆盖", "en": "coverage"},
    "year_contact": {"zh": "联系点", "en": "contact point"},
    "year_followup": {"zh": "回头看", "en": "follow-up"},
    "year_sheet": {"zh": "本年度进度", "en": "Year"},
    # the workbook
    # the web app (planner/workbook.py)
    "app_weights_help": {
        "zh": "各维度不足在风险分中的权重（0 以上；0 表示不考虑该维度）。",
        "en": "How much each dimension's deficit counts toward risk (0 or more; 0 switches it off).",
    },
    "app_title": {"zh": "督导方案工作台", "en": "Scenario workbench"},
    "app_intro": {
        "zh": "上传组织与督导员名单，调整方案，点击“求解”生成最优督导计划，并下载报告。",
        "en": "Upload the branch and supervisor lists, adjust the scenario, press Solve for the "
        "optimal visit plan, and download the report.",
    },
    "app_language": {"zh": "语言", "en": "Language"},
    # the web app: control tabs
    "app_tab_data": {"zh": "数据", "en": "Data"},
    "app_tab_scenario": {"zh": "方案与周期", "en": "Scenario"},
    "app_tab_rules": {"zh": "规则", "en": "Rules"},
    "app_tab_weights": {"zh": "维度权重", "en": "Weights"},
    "app_tab_team": {"zh": "督导员", "en": "Supervisors"},
    # data tab
    "app_upload_branches": {"zh": "上传组织名单", "en": "Upload branches"},
    "app_upload_supervisors": {"zh": "上传督导员名单", "en": "Upload supervisors"},
    "app_upload_scenario": {"zh": "上传方案（TOML，可选）", "en": "Upload scenario (TOML, optional)"},
    "app_upload_history": {"zh": "上传督导台账（可选）", "en": "Upload history of visits (optional)"},
    "app_upload_help": {
        "zh": "Excel（.xlsx）或 CSV 文件，表头可用中文或英文，编码可为 UTF-8 或 GB18030。"
        "督导台账（每次已完成的走访一行）请在组织名单之后上传：上传新的组织名单会移除已载入的台账。",
        "en": "Excel (.xlsx) or CSV files, headers in Chinese or English, UTF-8 or GB18030 encoded. "
        "Upload the history of visits (one row per visit made) after the branch list: a new branch "
        "list removes the history loaded.",
    },
    "app_remove_history": {"zh": "移除督导台账", "en": "Remove the history"},
    "app_history_now": {
        "zh": "督导台账：“{name}”，计入 {rows} 次走访。",
        "en": "History of visits: “{name}”, {rows} visits counted.",
    },
    "app_history_none": {
        "zh": "未载入督导台账。",
        "en": "No history of visits loaded.",
    },
    "app_history_removed": {
        "zh": "已移除督导台账；之前的求解结果已清空。",
        "en": "The history of visits was removed; earlier results were cleared.",
    },
    "app_year_no_history": {
        "zh": "未载入督导台账：本年已走访次数仅按“上次督导日期”计算。",
        "en": "No history of visits loaded: visits this year are counted from 上次督导日期 "
        "(last visit) only.",
    },
    "wb_saved": {"zh": "已保存 {path}", "en": "Saved {path}"},
    "wb_exported": {"zh": "报告已导出：{path}", "en": "Report exported: {path}"},
    "wb_source": {"zh": "工作簿", "en": "workbook"},
    # the report's pages: first page, task sheets, appendix; planner compare's settings
    "summary_line": {
        "zh": "{visits} 次走访，覆盖 {visited}/{branches} 个组织；必访走访落实 {met}/{required}；{status}。",
        "en": "{visits} visits to {visited} of {branches} branches; mandatory visits met "
        "{met}/{required}; {status}.",
    },
    "pinned_line": {
        "zh": "第 1–{last} 周保留原计划（{plan}）的 {kept} 次走访，自第 {first} 周起重新安排。",
        "en": "Weeks 1–{last} keep {kept} visits of the earlier plan ({plan}); re-planned from week {first}.",
    },
    "this_week": {"zh": "本周（第 {week} 周，{dates}）", "en": "This week (week {week}, {dates})"},
    "next_weeks": {"zh": "其后几周（第 {a}–{b} 周）", "en": "The next weeks ({a}–{b})"},
    "week_page": {"zh": "第 {week} 周起的安排", "en": "Who goes where from week {week}"},
    "no_visit": {"zh": "—", "en": "—"},
    "task_sheet": {"zh": "督导任务单：{name}（{sid}）", "en": "Task sheet: {name} ({sid})"},
    "task_line": {
        "zh": "所在片区：{home}；每周可督导 {cap} 次；本期 {n} 次走访，{m} 个组织。方案：{scenario}。",
        "en": "Home district: {home}; up to {cap} visits a week; {n} visits to {m} branches "
        "this plan. Scenario: {scenario}.",
    },
    "task_sign": {
        "zh": "完成后请在督导台账中登记走访日期、是否完成及各维度评分。",
        "en": "After each visit, log its date, whether it happened and the scores in the visit log.",
    },
    "mandatory_by_reason": {"zh": "必访原因", "en": "Reason"},
    "appendix": {"zh": "附录：模型与方案细节", "en": "Appendix: the model and the scenario"},
    "solver_details": {"zh": "求解情况", "en": "How the plan was solved"},
    "pp": {"zh": "{x:+.1f} 个百分点", "en": "{x:+.1f} pp"},
    "top_factors_short": {"zh": "主要因素", "en": "top factors"},
    "nth": {"zh": "（第 {n} 次）", "en": "(visit {n})"},
    "visit_slots": {"zh": "走访名额（次）", "en": "Visit-slots"},
    "weekly_capacity": {"zh": "每周可督导次数", "en": "Weekly capacity"},
    "data_file": {"zh": "数据文件", "en": "Data file"},
    "setting": {"zh": "设置", "en": "Setting"},
    "settings_differ": {"zh": "不同的设置", "en": "Settings that differ"},
    "no_differences": {
        "zh": "各方案设置与数据完全相同。",
        "en": "The plans have the same settings and data.",
    },
    "kpis_compared": {"zh": "关键指标对比", "en": "Key figures side by side"},
    "tier_高": {"zh": "高", "en": "high"},
    "tier_中": {"zh": "中", "en": "medium"},
    "tier_低": {"zh": "低", "en": "low"},
    "sheet_visits": {"zh": "全部走访", "en": "All visits"},
    "sheet_branches": {"zh": "组织", "en": "Branches"},
    "sheet_counties": {"zh": "各县区", "en": "Counties"},
    "factor_staleness_en": {"zh": "久未督导", "en": "time since last visit"},
    "cli_warning": {"zh": "警告：{text}", "en": "Warning: {text}"},
    "cli_invalid": {
        "zh": "输入有误（{n} 处），未写入任何文件：",
        "en": "The input is invalid ({n}); nothing was written:",
    },
    "cli_infeasible": {
        "zh": "方案的规则无法同时满足，未写入任何文件：",
        "en": "The scenario's rules cannot all hold; nothing was written:",
    },
    "cli_interrupted": {"zh": "已中断，未写入任何文件。", "en": "Interrupted; nothing was written."},
    "cli_valid_warned": {"zh": "OK（{n} 条警告）", "en": "OK ({n} warning{s})"},
    "cli_pins": {
        "zh": "保留 {plan} 第 {week} 周以前的 {kept} 次走访；{returned} 次记为未完成，重新排入待访",
        "en": "kept {kept} visits of {plan} before week {week}; {returned} logged as not done "
        "return to the pool",
    },
    "sweep_slots": {"zh": "{value:g}\n{slots} 次", "en": "{value:g}\n{slots} slots"},
    "sweep_capacity_axis": {
        "zh": "{param}（计划周期内的走访名额）",
        "en": "{param} (visit-slots over the horizon)",
    },
    # a province's overview page (planner.province)
    "province_title": {"zh": "督导走访计划（全省汇总）", "en": "Supervisory visit plan: province overview"},
    "province_intro": {
        "zh": "{n} 个县区分别求解（各县区督导员只走访本县区组织）。各县区的完整报告见链接。",
        "en": "{n} counties, solved separately (supervisors visit only their own county). "
        "Each county's full report is linked.",
    },
    "province_total": {"zh": "全省合计", "en": "Province"},
    "province_objective_line": {
        "zh": "目标值 {objective}，人工排序 {baseline}（{gain}）；求解状态：{status}",
        "en": "objective {objective}, ranking by hand {baseline} ({gain}); status: {status}",
    },
    "app_use_sample": {"zh": "使用示例县数据", "en": "Use the sample county"},
    "app_templates": {"zh": "下载空白模板：", "en": "Download empty templates:"},
    "app_data_now": {
        "zh": "当前数据：{source}，{branches} 个组织、{supervisors} 名督导员。",
        "en": "Current data: {source}, {branches} branches, {supervisors} supervisors.",
    },
    "app_source_sample": {"zh": "示例县", "en": "the sample county"},
    "app_source_files": {"zh": "“{b}”与“{s}”", "en": "“{b}” and “{s}”"},
    "app_source_start": {"zh": "启动时指定的文件", "en": "the files the app was started with"},
    "app_uploaded_one": {
        "zh": "已收到“{name}”，未发现问题。请再上传{other}。",
        "en": "“{name}” received, no problems found. Now upload the {other}.",
    },
    "app_other_branches": {"zh": "组织名单", "en": "branch list"},
    "app_other_supervisors": {"zh": "督导员名单", "en": "supervisor list"},
    "app_loaded": {
        "zh": "已载入 {branches} 个组织、{supervisors} 名督导员；之前的求解结果已清空。",
        "en": "Loaded {branches} branches and {supervisors} supervisors; earlier results were cleared.",
    },
    "app_scenario_loaded": {"zh": "已载入方案“{name}”。", "en": "Scenario “{name}” loaded."},
    "app_problems_title": {
        "zh": "发现 {n} 个问题，修正后才能求解：",
        "en": "{n} problems found; fix them before solving:",
    },
    "app_p_file": {"zh": "文件", "en": "File"},
    "app_p_row": {"zh": "行", "en": "Row"},
    "app_p_column": {"zh": "列 / 设置", "en": "Column / setting"},
    "app_p_message": {"zh": "问题", "en": "What is wrong"},
    "app_settings": {"zh": "页面设置", "en": "settings on this page"},
    # scenario tab
    "app_name": {"zh": "方案名称", "en": "Scenario name"},
    "app_start": {"zh": "计划起始日（周一）", "en": "First Monday"},
    "app_weeks": {"zh": "计划周数", "en": "Weeks"},
    "app_weeks_help": {"zh": "1–104 周，一个季度为 13 周。", "en": "1–104 weeks; a quarter is 13."},
    "app_reset": {"zh": "恢复为载入的方案", "en": "Reset to the loaded scenario"},
    "app_reset_done": {"zh": "已恢复为载入的方案。", "en": "Back to the loaded scenario."},
    # team tab
    "app_capacity_factor": {"zh": "全队容量倍数", "en": "Team capacity ×"},
    "app_capacity_factor_help": {
        "zh": "每人每周可督导次数乘以此倍数（四舍五入），再按下表逐人调整。",
        "en": "Every weekly capacity is multiplied by this (rounded), then the table below applies.",
    },
    "app_team_supervisor": {"zh": "督导员", "en": "Supervisor"},
    "app_team_capacity": {"zh": "每周可督导次数", "en": "Visits a week"},
    "app_team_leave": {"zh": "不可用周次（如 3, 7）", "en": "Weeks away (e.g. 3, 7)"},
    "app_leave_bad": {
        "zh": "“{value}”不是第 1–{weeks} 周内的周次。",
        "en": "'{value}' is not a week number within 1–{weeks}.",
    },
    "app_capacity_bad": {
        "zh": "每周可督导次数须为 0 或以上的整数。",
        "en": "must be a whole number 0 or more.",
    },
    # actions
    "app_solve": {"zh": "求解", "en": "Solve"},
    "app_export": {"zh": "生成下载文件", "en": "Prepare downloads"},
    "app_checking": {"zh": "正在检查“{name}”…", "en": "Checking “{name}”…"},
    "app_solving": {"zh": "正在求解…", "en": "Solving…"},
    "app_exporting": {"zh": "正在生成 {what}…", "en": "Writing {what}…"},
    "app_solved": {
        "zh": "{label}：{status}，目标值 {objective:.1f}，较人工排序 {gain:+.2%}，用时 {seconds:.1f} 秒",
        "en": "{label}: {status}, objective {objective:.1f}, {gain:+.2%} over ranking by hand, "
        "{seconds:.1f} s",
    },
    "app_not_solved": {"zh": "尚未求解。", "en": "Not solved yet."},
    "app_fix_first": {"zh": "请先修正上面列出的问题。", "en": "Fix the problems listed above first."},
    "app_infeasible": {
        "zh": "这些规则无法同时满足，未生成计划：",
        "en": "The rules cannot all hold; no plan was made:",
    },
    "app_infeasible_rule": {
        "zh": "“{rule}”：请放宽这一规则，或增加督导员的容量。",
        "en": "{rule}: {message} Try: {suggestion}",
    },
    "app_mandatory_rule": {"zh": "必访要求", "en": "Mandatory visits"},
    "app_capacity_rule": {"zh": "督导员容量", "en": "Supervisors' capacity"},
    "app_exported": {
        "zh": "下载文件已生成（{seconds:.1f} 秒），点击下面的链接保存：",
        "en": "Downloads ready ({seconds:.1f} s); click a link to save:",
    },
    "app_export_first": {"zh": "请先求解。", "en": "Solve first."},
    "app_unexpected": {
        "zh": "出现意外错误，已停止：{error}。请截图并报告给维护人员。",
        "en": "Unexpected error, stopped: {error}. Please take a screenshot and report it.",
    },
    # results
    "app_tab_kpis": {"zh": "关键指标", "en": "Key figures"},
    "app_tab_schedule": {"zh": "走访安排", "en": "Schedule"},
    "app_tab_branches": {"zh": "组织", "en": "Branches"},
    "app_tab_weekly": {"zh": "每周走访", "en": "Visits per week"},
    "app_tab_districts": {"zh": "各片区", "en": "Districts"},
    "app_tab_year": {"zh": "本年度进度", "en": "The year so far"},
    "app_tab_compare": {"zh": "方案对比", "en": "Compare"},
    "app_tab_downloads": {"zh": "下载", "en": "Downloads"},
    "app_all": {"zh": "全部", "en": "All"},
    "app_filter_supervisor": {"zh": "督导员", "en": "Supervisor"},
    "app_filter_district": {"zh": "片区", "en": "District"},
    "app_grid_help": {
        "zh": "点击列标题右侧的菜单可排序、筛选；表格可滚动查看全部行。",
        "en": "Use the menu at the right of a column header to sort and filter; scroll for every row.",
    },
    "app_rows_shown": {"zh": "显示 {shown} / 共 {total} 次走访", "en": "Showing {shown} of {total} visits"},
    "app_branches_shown": {
        "zh": "显示 {shown} / 共 {total} 个组织",
        "en": "Showing {shown} of {total} branches",
    },
    "app_why": {"zh": "说明", "en": "Why"},
    "app_why_lower": {
        "zh": "未走访：风险低于所有被选中的组织",
        "en": "not visited: lower risk than every branch chosen",
    },
    "app_why_rule": {
        "zh": "未走访：风险不低，但受规则限制（容量、回避、跨片区成本或间隔）",
        "en": "not visited: not lower risk, but a rule (capacity, conflicts, travel, spacing) ruled it out",
    },
    "app_why_mandatory": {"zh": "必访：{reason}", "en": "mandatory: {reason}"},
    "app_why_risk": {"zh": "按风险选中", "en": "chosen for its risk"},
    "app_compare_a": {"zh": "方案", "en": "Plan"},
    "app_compare_b": {"zh": "对比", "en": "against"},
    "app_compare_need_two": {
        "zh": "求解两个以上方案后，可在此对比改动的设置与指标差异。",
        "en": "Solve two or more scenarios to compare what changed and the figures.",
    },
    "app_changed": {"zh": "改动的设置", "en": "Settings that changed"},
    "app_no_change": {"zh": "两个方案的设置相同。", "en": "The two scenarios have the same settings."},
    "app_setting": {"zh": "设置", "en": "Setting"},
    "app_kpi_diff": {"zh": "指标差异", "en": "Figures"},
    "app_download_report": {"zh": "报告 report.html", "en": "Report (report.html)"},
    "app_download_xlsx": {"zh": "计划表 plan.xlsx", "en": "Workbook (plan.xlsx)"},
    "app_download_calendars": {"zh": "日历 calendars.zip", "en": "Calendars (calendars.zip)"},
    "app_download_visits": {"zh": "走访清单 visits.csv", "en": "Visit list (visits.csv)"},
    "app_download_scenario": {"zh": "方案 scenario.toml", "en": "Scenario (scenario.toml)"},
    "app_download_folder": {
        "zh": "方案文件夹（用于登记走访）.zip",
        "en": "Plan folder (for planner record).zip",
    },
    "app_folder_zip": {
        "zh": "方案文件夹（用于登记走访）.zip",
        "en": "Plan folder (for planner record).zip",
    },
    "app_downloads_help": {
        "zh": "先求解，再点击“生成下载文件”。文件只保存在本次会话的临时文件夹中，关闭页面后删除。",
        "en": "Solve, then press Prepare downloads. The files live in this session's own temporary "
        "folder and are deleted when the page is closed.",
    },
    "app_yes": {"zh": "是", "en": "yes"},
    "app_no": {"zh": "否", "en": "no"},
    "app_start_kpi": {"zh": "计划起始日", "en": "First Monday"},
    "app_scenario_kpi": {"zh": "方案名称", "en": "Scenario name"},
    "app_weeks_kpi": {"zh": "计划周数", "en": "Weeks"},
    "app_capacity_of": {"zh": "{name} 每周可督导次数", "en": "{name}: visits a week"},
    "app_leave_of": {"zh": "{name} 不可用周次", "en": "{name}: weeks away"},
    "app_factor_kpi": {"zh": "全队容量倍数", "en": "Team capacity ×"},
    "app_none": {"zh": "无", "en": "none"},
}

COLUMNS: Mapping[str, Mapping[str, str]] = {
    "visit_id": {"zh": "走访编号", "en": "Visit"},
    "week": {"zh": "周次", "en": "Week"},
    "week_start": {"zh": "周一日期", "en": "Week of"},
    "supervisor_id": {"zh": "督导员编号", "en": "Supervisor ID"},
    "supervisor_name": {"zh": "督导员", "en": "Supervisor"},
    "branch_id": {"zh": "组织编号", "en": "Branch ID"},
    "branch_name": {"zh": "组织名称", "en": "Branch"},
    "name": {"zh": "组织名称", "en": "Branch"},
    "district": {"zh": "片区", "en": "District"},
    "focus": {"zh": "督导重点", "en": "Focus"},
    "risk_score": {"zh": "风险分", "en": "Risk"},
    "risk_tier": {"zh": "风险等级", "en": "Tier"},
    "top_factors": {"zh": "主要风险因素", "en": "Top factors"},
    "visits": {"zh": "走访次数", "en": "Visits"},
    "visit_no": {"zh": "第几次", "en": "Visit no."},
    "mandatory_reason": {"zh": "必访原因", "en": "Why mandatory"},
    "mandatory_visits": {"zh": "应访次数", "en": "Required"},
    "reason": {"zh": "未访原因", "en": "Why not"},
    "responsible_supervisor_id": {"zh": "责任人", "en": "Responsible"},
    "visits_done_this_year": {"zh": "本年已走访", "en": "Visits this year"},
    "visits_owed_this_year": {"zh": "本年尚欠", "en": "Still owed this year"},
    "responsible_changed": {"zh": "责任人变更", "en": "Responsible changed"},
    "result": {"zh": "落实情况", "en": "Result"},
    "branches": {"zh": "组织数", "en": "Branches"},
    "visited": {"zh": "已安排组织", "en": "Visited"},
    "high": {"zh": "高风险组织", "en": "High risk"},
    "high_visited": {"zh": "高风险已安排", "en": "High risk visited"},
    "total_risk": {"zh": "风险合计", "en": "Total risk"},
    "risk_visited": {"zh": "已安排组织风险", "en": "Risk of visited"},
    "coverage": {"zh": "风险覆盖率", "en": "Risk covered"},
    "weeks_used": {"zh": "走访周次", "en": "Weeks"},
    "rule": {"zh": "规则", "en": "Rule"},
    "value": {"zh": "取值", "en": "Value"},
    "kpi": {"zh": "指标", "en": "Figure"},
    "week_end": {"zh": "周五日期", "en": "To"},
    "dates": {"zh": "日期", "en": "Dates"},
    "why": {"zh": "原因", "en": "Why"},
    "why_here": {"zh": "为何走访此处", "en": "Why this branch"},
    "county": {"zh": "县区", "en": "County"},
    "file": {"zh": "文件", "en": "File"},
    "required": {"zh": "应访次数", "en": "Visits required"},
    "planned": {"zh": "已安排", "en": "Planned"},
    # a province's overview page (planner.province)
    "supervisors": {"zh": "督导员", "en": "Supervisors"},
    "branches_visited": {"zh": "覆盖组织数", "en": "Branches visited"},
    "high_risk_visited_share": {"zh": "高风险组织覆盖率", "en": "High-risk visited"},
    "risk_share_of_visited_branches": {"zh": "风险覆盖率", "en": "Risk covered"},
    "mandatory_visits_met": {"zh": "必访落实", "en": "Mandatory met"},
    "gain": {"zh": "优化相对人工", "en": "Gain over hand ranking"},
    "report": {"zh": "报告", "en": "Report"},
}

# `planner simulate` and `planner impact`: policies, dynamics, figures, verdicts, headers
EVIDENCE_TEXT: Mapping[str, Mapping[str, str]] = {
    # policies
    "optimizer": {"zh": "优化模型", "en": "optimizer"},
    "hand_ranking": {"zh": "人工排序", "en": "hand ranking"},
    "round_robin": {"zh": "轮流走访", "en": "round robin"},
    "random": {"zh": "随机", "en": "random"},
    # dynamics
    "additive": {"zh": "固定加分", "en": "additive"},
    "proportional": {"zh": "按差距比例", "en": "proportional"},
    "deteriorating": {"zh": "无督导即下滑", "en": "deteriorating"},
    # figures
    "mean_risk_end": {"zh": "期末平均风险", "en": "mean risk at the end"},
    "risk_weeks": {"zh": "风险周数（各周平均风险之和）", "en": "risk-weeks (Σ weekly mean risk)"},
    "high_tier_end": {"zh": "期末高风险组织数", "en": "branches in 高 at the end"},
    "weakest_first_visit": {"zh": "最弱十分之一首次督导（周）", "en": "weakest tenth: first visit (week)"},
    "coverage": {"zh": "年内覆盖率", "en": "coverage in the year"},
    "weak_lax_lifted": {"zh": "软弱涣散脱离高风险比例", "en": "weak-and-lax lifted out of 高"},
    "contact_visited": {"zh": "联系点年内走访达标比例", "en": "contact points visited enough in the year"},
    "followups_made": {"zh": "回头看完成比例", "en": "follow-ups made"},
    "responsible_kept": {"zh": "责任人保持比例", "en": "责任人 kept"},
    "visits": {"zh": "督导次数", "en": "visits"},
    # verdicts
    "ahead": {"zh": "领先", "en": "ahead"},
    "level": {"zh": "持平", "en": "level"},
    "behind": {"zh": "落后", "en": "behind"},
    # table headers
    "dynamics": {"zh": "动态假设", "en": "dynamics"},
    "policy": {"zh": "策略", "en": "policy"},
    "figure": {"zh": "指标", "en": "figure"},
    "versus": {"zh": "对比", "en": "versus"},
    "mean": {"zh": "均值", "en": "mean"},
    "difference": {"zh": "差值（优化模型 − 对比）", "en": "difference (optimizer − other)"},
    "ci_low": {"zh": "95% 区间下限", "en": "95% low"},
    "ci_high": {"zh": "95% 区间上限", "en": "95% high"},
    "verdict": {"zh": "结论", "en": "verdict"},
    "week": {"zh": "周", "en": "week"},
    "weekly_mean_risk": {"zh": "平均风险", "en": "mean risk"},
    # impact
    "dimension": {"zh": "维度", "en": "dimension"},
    "all": {"zh": "全部维度", "en": "all dimensions"},
    "effect": {"zh": "督导效果（分）", "en": "effect (points)"},
    "std_error": {"zh": "标准误", "en": "std. error"},
    "treated": {"zh": "有该重点督导的组织·期数", "en": "branch-periods with a visit of that focus"},
    "excluded": {"zh": "无可比对象未计入", "en": "left out: nothing comparable"},
    "observations": {"zh": "观测数", "en": "observations"},
    "branches": {"zh": "组织数", "en": "branches"},
}

# why a branch is, or is not, visited (`planner.why`): the mandatory reasons and the sentences
MANDATORY_REASONS: Mapping[str, Mapping[str, str]] = {
    "weak_lax": {"zh": "软弱涣散", "en": "weak and lax"},
    "overdue": {"zh": "超期未督导", "en": "overdue"},
    "audit": {"zh": "随机抽查", "en": "audit draw"},
    "coverage": {"zh": "全覆盖", "en": "annual coverage"},
    "contact": {"zh": "联系点", "en": "contact point"},
    "followup": {"zh": "回头看", "en": "follow-up"},
}

WHY_TEXT: Mapping[str, Mapping[str, str]] = {
    "mandatory": {"zh": "必访：{reasons}", "en": "mandatory: {reasons}"},
    "kept": {"zh": "保留原计划已安排的走访", "en": "visits kept from the earlier plan"},
    "rank": {
        "zh": "风险 {risk}，在{district}排第 {rank}/{of} 位",
        "en": "risk {risk}, rank {rank} of {of} in {district}",
    },
    "lower": {
        "zh": "风险 {risk} 低于{district}已安排组织的最低风险 {lowest}",
        "en": "risk {risk} is below every branch visited in {district} (lowest {lowest})",
    },
    "no_supervisor_excluded": {
        "zh": "利益回避：所有可派督导员（{sups}）均须回避",
        "en": "conflict of interest: every supervisor who could go ({sups}) is excluded",
    },
    "no_supervisor_county": {"zh": "{county}没有可派的督导员", "en": "no supervisor works in {county}"},
    "no_supervisor_time": {
        "zh": "计划周期内没有督导员有空",
        "en": "no supervisor has time in the plan's weeks",
    },
    "full_named": {
        "zh": "唯一可派的督导员 {sups} 第 {a}–{b} 周已满",
        "en": "{sups}, the only supervisors allowed, are full in weeks {a}–{b}",
    },
    "full_one": {
        "zh": "唯一可派的督导员 {sups} 第 {a}–{b} 周已满",
        "en": "{sups}, the only supervisor allowed, is full in weeks {a}–{b}",
    },
    "full_all": {
        "zh": "全部 {n} 名可派督导员第 {a}–{b} 周已满",
        "en": "all {n} supervisors allowed are full in weeks {a}–{b}",
    },
    "excluded_free": {
        "zh": "利益回避：有空余的督导员（{sups}）均须回避",
        "en": "conflict of interest: every free supervisor ({sups}) is excluded",
    },
    "least": {
        "zh": "可让出的价值最低的走访为 {value}（{branch}第 {no} 次），不低于此处一次走访的 {own}{travel}",
        "en": "the least valuable visit they could give up is worth {value} ({branch}, visit "
        "{no}), no less than the {own} a visit here adds{travel}",
    },
    "least_below": {
        "zh": "可让出的价值最低的走访为 {value}（{branch}第 {no} 次），"
        "低于此处一次走访的 {own}{travel}：在求解器的最优差距之内",
        "en": "the least valuable visit they could give up is worth {value} ({branch}, visit "
        "{no}), less than the {own} a visit here adds{travel}: within the solver's "
        "optimality gap",
    },
    "after_travel": {"zh": "（已扣跨片区成本）", "en": " after travel cost"},
    "share_held": {
        "zh": "更低价值的走访用于满足{district}的最低覆盖比例",
        "en": "cheaper visits are held by the district share of {district}",
    },
    "only_mandatory": {"zh": "所排均为必访", "en": "all their visits are mandatory"},
    "lowest": {
        "zh": "{district}已安排组织的最低风险为 {lowest}（{note}）",
        "en": "the last branch visited in {district} has risk {lowest} ({note})",
    },
    "lowest_plain": {
        "zh": "{district}已安排组织的最低风险为 {lowest}",
        "en": "the last branch visited in {district} has risk {lowest}",
    },
    "by_other": {"zh": "由须回避此处的 {sid} 走访", "en": "visited by {sid}, who may not come here"},
    "travel": {
        "zh": "有空余的督导员（{sups}）不在{district}，跨片区成本 {penalty} 不低于此处的风险价值 {own}",
        "en": "the supervisors with free slots ({sups}) live outside {district}; a visit costs "
        "{penalty} travel points, no less than the {own} it adds",
    },
    "tolerance": {
        "zh": "{sups} 尚有空余，求解器在最优差距 {gap} 内停止",
        "en": "{sups} still has a free slot; the solver stopped within its optimality gap of {gap}",
    },
    "cost": {
        "zh": "重新求解并强制走访此处：风险化解量减少 {cost}",
        "en": "re-solved with a visit forced here: {cost} less risk addressed",
    },
    "cost_none": {
        "zh": "重新求解并强制走访此处：规则无法同时满足",
        "en": "re-solved with a visit forced here: the rules cannot all hold",
    },
    "and": {"zh": "、", "en": ", "},
    "sep": {"zh": "；", "en": "; "},
}

# punctuation that differs between the languages
COLON: Mapping[str, str] = {"zh": "：", "en": ": "}
SEMI: Mapping[str, str] = {"zh": "；", "en": "; "}
PAREN: Mapping[str, tuple[str, str]] = {"zh": ("（", "）"), "en": (" (", ")")}
SEP: Mapping[str, str] = {"zh": " · ", "en": " · "}
# Why a branch's standing 责任人 did not make its visits (branches.csv `responsible_changed`).
CHANGE_REASONS: dict[str, dict[str, str]] = {
    "not_in_file": {"zh": "不在督导员名单", "en": "not in the supervisor file"},
    "excluded": {"zh": "须回避该组织", "en": "excluded from the branch"},
    "other_county": {"zh": "属其他县区", "en": "in another county"},
    "no_capacity": {"zh": "计划期内无可用时间", "en": "no capacity in any week of the plan"},
    "overloaded": {
        "zh": "责任人的时间不足以完成其全部必访走访",
        "en": "the responsible supervisor's slots do not hold all their mandatory visits",
    },
    "kept_visits": {"zh": "保留的走访由他人完成", "en": "kept visits were made by another"},
    "contact_point": {
        "zh": "联系点由联系领导负责",
        "en": "a contact point's responsible supervisor is its contact supervisor",
    },
    "rule_off": {"zh": "未要求保持责任人", "en": "rules.keep_responsible is off"},
}

JOIN: Mapping[str, str] = {"zh": "、", "en": ", "}
MANDATORY_PREFIX: Mapping[str, str] = {"zh": "必访", "en": "mandatory"}

KpiKind = Literal["risk", "count", "share", "met"]


@dataclass(frozen=True)
class Kpi:
    """One key figure of a plan: its key in the summary's KPIs, how it reads, how it is shown."""

    key: str
    zh: str
    en: str
    kind: KpiKind
    of: str | None = None  # for "met": the KPI it is a part of ("3/5")

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# The one KPI order: every table of key figures (report, workbook, plan.xlsx, compare, sweep,
# command line) lists them so. Figures not shown on their own (e.g. the required count shown
# as "met/required") are in KPI_DETAILS.
KPIS: tuple[Kpi, ...] = (
    Kpi("objective", "目标值（风险化解量）", "Objective (risk addressed, net)", "risk"),
    Kpi("visits", "走访总次数", "Visits", "count"),
    Kpi("branches_visited", "覆盖组织数", "Branches visited", "count"),
    Kpi("high_risk_visited_share", "高风险组织覆盖率", "High-risk branches visited", "share"),
    Kpi("risk_share_of_visited_branches", "风险覆盖率", "Share of total risk visited", "share"),
    Kpi(
        "mandatory_visits_met", "必访走访落实", "Mandatory visits met", "met", of="mandatory_visits_required"
    ),
    Kpi("visits_per_supervisor_min", "人均走访最少", "Visits per supervisor, min", "count"),
    Kpi("visits_per_supervisor_max", "人均走访最多", "Visits per supervisor, max", "count"),
    Kpi("visits_outside_home_district", "跨片区走访", "Visits outside home district", "count"),
)
KPI_DETAILS: tuple[Kpi, ...] = (
    Kpi("risk_addressed", "风险化解量（未扣跨片区成本）", "Risk addressed, gross", "risk"),
    Kpi("high_risk_branches", "高风险组织数", "High-risk branches", "count"),
    Kpi("mandatory_visits_required", "必访走访应访次数", "Mandatory visits required", "count"),
    Kpi("mandatory_branches_short", "必访未落实组织数", "Branches short of mandatory visits", "count"),
    Kpi("districts_below_share", "低于最低覆盖比例的片区数", "Districts below their share", "count"),
)
KPI_ORDER: tuple[str, ...] = tuple(k.key for k in KPIS)
_KPI = {k.key: k for k in (*KPIS, *KPI_DETAILS)}


def t(key: str, lang: str, **fmt: object) -> str:
    """The text `key` in `lang`, with `fmt` filled in."""
    text = TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def tier_label(tier: object, lang: str) -> str:
    """A risk tier (高/中/低 in the data) in `lang`."""
    key = f"tier_{tier}"
    return TEXT[key][lang] if key in TEXT else str(tier)


def evidence_label(key: str, lang: str = "zh") -> str:
    """A text of the evidence tools (`planner simulate`, `planner impact`)."""
    return EVIDENCE_TEXT[key][lang]


def column(key: str, lang: str) -> str:
    """A column header; a key without a label is shown as it is."""
    return COLUMNS[key][lang] if key in COLUMNS else key


def dimension_label(key: str, lang: str) -> str:
    return DIMENSION_ZH.get(key, key) if lang == "zh" else key


def binding_rule_label(name: str, lang: str) -> str:
    """A rule named in summary.json's `binding_rules` ("mandatory visits", "district share (X)")."""
    if name == "mandatory visits":
        return t("binding_mandatory", lang)
    if name.startswith("district share (") and name.endswith(")"):
        return t("binding_share", lang, district=name.removeprefix("district share (")[:-1])
    return name


def yes_no(value: bool, lang: str) -> str:
    return t("yes" if value else "no", lang)


def kpi(key: str) -> Kpi:
    return _KPI[key]


def kpi_label(key: str, lang: str) -> str:
    return _KPI[key].label(lang)


def kpi_value(kpis: Any, key: str) -> Any:
    """One figure of a KPI record (a mapping or an object with the figures as attributes)."""
    return kpis[key] if isinstance(kpis, Mapping) else getattr(kpis, key)


def format_kpi(key: str, value: Any, lang: str = "zh", *, of: Any = None) -> str:
    """A KPI as a planner reads it: risk to one decimal, counts whole, shares in %, "met/of"."""
    del lang  # the same digits in both languages; kept so that callers need not know
    kind = _KPI[key].kind
    if kind == "share":
        return f"{float(value):.1%}"
    if kind == "risk":
        return f"{float(value):.1f}"
    if kind == "met" and of is not None:
        return f"{int(value)}/{int(of)}"
    return f"{int(value)}"


def format_kpi_of(kpis: Any, key: str, lang: str = "zh") -> str:
    """`format_kpi` for the figure `key` of a KPI record (a "met" figure with its total)."""
    k = _KPI[key]
    of = kpi_value(kpis, k.of) if k.of else None
    return format_kpi(key, kpi_value(kpis, key), lang, of=of)


def format_kpi_difference(key: str, a: Any, b: Any, lang: str = "zh") -> str:
    """How far plan `a` is from baseline `b` in the KPI `key`."""
    kind = _KPI[key].kind
    if kind == "share":
        return t("pp", lang, x=(float(a) - float(b)) * 100)
    if kind == "risk":
        d = float(a) - float(b)
        return f"{d:+.1f} ({d / abs(float(b)):+.2%})" if b else f"{d:+.1f}"
    return f"{int(a) - int(b):+d}"


def format_gain(value: float) -> str:
    """The optimizer's relative gain over ranking by hand."""
    return f"{value:+.2%}"


def format_gap(value: float) -> str:
    return f"{value:.4%}"


def plan_lines(summary: Any, lang: str = "zh") -> list[str]:
    """What `planner plan` prints about the plan it made."""
    k, base = kpi_value(summary, "kpis"), kpi_value(summary, "baseline")
    status = str(getattr(kpi_value(summary, "status"), "value", kpi_value(summary, "status")))
    return [
        t(
            "cli_plan_solved",
            lang,
            scenario=kpi_value(summary, "scenario"),
            status=t(status, lang) if lang == "zh" else status,  # en: "optimal plan"
            objective=format_kpi("objective", kpi_value(summary, "objective"), lang),
            bound=format_kpi("objective", kpi_value(summary, "bound"), lang),
            gap=format_gap(kpi_value(summary, "gap")),
            seconds=kpi_value(summary, "solve_seconds"),
        ),
        t(
            "cli_plan_figures",
            lang,
            visits=format_kpi_of(k, "visits", lang),
            branches_visited=format_kpi_of(k, "branches_visited", lang),
            n_branches=kpi_value(summary, "n_branches"),
            met=format_kpi_of(k, "mandatory_visits_met", lang),
            baseline=format_kpi_of(base, "objective", lang),
            gain=format_gain(kpi_value(summary, "improvement_over_baseline")),
        ),
    ]


# (pattern of the English message, its Chinese form with the pattern's groups)
_ZH: tuple[tuple[str, str], ...] = (
    (r"does not exist \(.*\)\.", "文件不存在。"),
    (r"cannot be read: .*", "无法读取。"),
    (r"is not a readable Excel file: .*", "不是可以读取的 Excel 文件。"),
    (
        r"is neither UTF-8 nor GB18030 text.*",
        "既不是 UTF-8 也不是 GB18030 编码的文本；请另存为 CSV UTF-8 或 Excel 工作簿。",
    ),
    (r"is empty\.", "文件是空的。"),
    (r"has no data rows\.", "没有数据行。"),
    (r"is not a well-formed CSV file: .*", "不是格式正确的 CSV 文件。"),
    (r"is not valid TOML: .*", "不是有效的 TOML 方案文件。"),
    (
        r"the column appears twice \(as '(.*)' and '(.*)'\); keep one\.",
        "该列出现了两次（“{0}”与“{1}”），请只保留一列。",
    ),
    (r"'(.*)' is not a number\.", "“{0}”不是数字。"),
    (r"'(.*)' is not a whole number\.", "“{0}”不是整数。"),
    (r"'(.*)' is not a date like 2026-03-31\.", "“{0}”不是日期（格式如 2026-03-31）。"),
    (r"'(.*)' is not 是/否 \(yes/no\)\.", "“{0}”不是“是/否”。"),
    (r"'(.*)' is not a week number\.", "“{0}”不是周次。"),
    (r"the required column '(.*)' \((.*)\) is missing\.", "缺少必填列“{1}”（{0}）。"),
    (r"is empty; a value is required\.", "为空，此项必填。"),
    (r"duplicate id '(.*)' \(also on row (.*)\)\.", "编号“{0}”重复（另见第 {1} 行）。"),
    (r"(.*) is outside 0–100\.", "{0} 超出 0–100 的范围。"),
    (r"(.*) is negative; a count must be 0 or more\.", "{0} 是负数，不能小于 0。"),
    (r"'(.*)' is not one of (.*)\.", "“{0}”不是 {1} 之一。"),
    (r"district '(.*)' has no branches; known districts: (.*)\.", "片区“{0}”没有任何组织；已有片区：{1}。"),
    (r"'(.*)' is not a health dimension .*", "“{0}”不是八个维度之一。"),
    (r"week (\d+) is outside the plan's weeks 1–(\d+)\.", "第 {0} 周不在计划的第 1–{1} 周之内。"),
    (r"branch '(.*)' is not in the branch file\.", "组织“{0}”不在组织名单中。"),
    (r"'(.*)' is not a week number within 1–(\d+)\.", "“{0}”不是第 1–{1} 周内的周次。"),
    (r"must be a whole number 0 or more\.", "须为 0 或以上的整数。"),
    (r"is not a (.*) file\.", "不是 {0} 文件。"),
    (
        r"(\S+) is after the plan's start \((\S+)\); the history holds visits that happened\.",
        "{0} 晚于计划起始日（{1}）；督导台账只登记已完成的走访。",
    ),
    (r"is larger than (\d+) MB\.", "超过 {0} MB。"),
    (r"must be a number, got (.*)\.", "必须是数字（现为 {0}）。"),
    (r"must be a whole number, got (.*)\.", "必须是整数（现为 {0}）。"),
    (r"must be at least (\S+) and at most (\S+), got (.*)\.", "必须在 {0} 到 {1} 之间（现为 {2}）。"),
    (r"must be greater than (\S+) and at most (\S+), got (.*)\.", "必须大于 {0} 且不超过 {1}（现为 {2}）。"),
    (r"must be at least (\S+), got (.*)\.", "不能小于 {0}（现为 {1}）。"),
    (r"must be greater than (\S+), got (.*)\.", "必须大于 {0}（现为 {1}）。"),
    (r"unknown key '(.*)'\..*", "未知的设置项“{0}”。"),
    (r"must be a non-empty text\.", "不能为空。"),
    (r"must be a date like 2027-01-04, got (.*)\.", "必须是日期（格式如 2027-01-04）。"),
    (r"every weight is 0, .*", "所有权重都是 0，组织没有风险可言；请至少给一个维度权重。"),
    (
        r"needs a value for each of the (\d+) visits allowed per branch, got (\d+)\.",
        "每个组织最多可走访 {0} 次，须为每一次给出价值（现有 {1} 个）。",
    ),
    (r"must not be above risk\.high_from\.", "不得高于高风险线。"),
    (r"must be true or false, got .*", "必须是“是”或“否”。"),
    (r"must be a list of numbers like .*", "必须是用逗号分隔的数字，如 1, 0.5, 0.25。"),
    (r"must be 'highs' or 'cbc', got .*", "必须是 highs 或 cbc。"),
)


# the words of "must be <allowed>" sentences, for any bounds a setting describes
_ALLOWED_ZH: tuple[tuple[str, str], ...] = (
    (r"true or false", "“是”或“否”"),
    (r"a date like (\S+)", r"日期（如 \1）"),
    (r"a non-empty text", "非空的文字"),
    (r"greater than (\S+)", r"大于 \1"),
    (r"at least (\S+)", r"不小于 \1"),
    (r"at most (\S+)", r"不大于 \1"),
    (r" and ", "且"),
    (r"'(\w+)' or '(\w+)'", r"\1 或 \2"),
)


def _allowed_zh(text: str) -> str:
    for pattern, zh in _ALLOWED_ZH:
        text = re.sub(pattern, zh, text)
    return text.replace(" ", "")


def problem_message(message: str, lang: str) -> str:
    """The problem's message in the page's language (English messages are the source)."""
    if lang == "en":
        return message
    return problem_message_zh(message) or "内容有误，请检查这一格。"


def problem_message_zh(message: str) -> str | None:
    """The problem's message in Chinese, or None when it has no translation."""
    for pattern, zh in _ZH:
        match = re.fullmatch(pattern, message, flags=re.S)
        if match:
            return zh.format(*match.groups())
    match = re.fullmatch(r"must be (.+?)(?:, like .*)?, got (.*)\.", message, flags=re.S)
    if match:
        allowed, got = match.groups()
        kind = re.match(r"(a whole number|a number|a list of numbers, each)\s*(.*)", allowed)
        if kind is None:
            return f"必须是{_allowed_zh(allowed)}（现为 {got}）。"
        bounds = _allowed_zh(kind.group(2))
        if kind.group(1).startswith("a list"):
            return f"必须是一组数字，每个都{bounds}（现为 {got}）。"
        what = "整数" if kind.group(1) == "a whole number" else "数字"
        return f"必须是{bounds}的{what}（现为 {got}）。" if bounds else f"必须是{what}（现为 {got}）。"
    return None


def problem_place_zh(file: str, row: int | None, column: str | None) -> str:
    """Where a problem is, in Chinese: the file, its row and its column."""
    return file + (f"，第 {row} 行" if row is not None else "") + (f"，「{column}」列" if column else "")
