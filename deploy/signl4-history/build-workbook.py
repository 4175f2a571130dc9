#!/usr/bin/env python3
"""Builds workbook.json (Azure Workbooks gallery format, for Microsoft Sentinel → Workbooks → Add → Advanced Editor)
from the saved queries in queries/: each query's 30-day window becomes the workbook's Time Range parameter, so the
workbook and the saved queries never drift apart (test/unit/logAnalytics/ingestQueries.test.ts checks it).
Run: python3 deploy/signl4-history/build-workbook.py"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

SECTIONS = [
    ("response-times-by-severity.kql", "Time to acknowledge and to close, by severity", "table"),
    ("response-times-by-engineer.kql", "Time to acknowledge and to close, by engineer (first to acknowledge)", "table"),
    ("response-times-by-hour.kql", "Time to acknowledge and to close, by hour of day (UTC) the Signl was raised", "barchart"),
    ("unacknowledged-signls.kql", "Signls nobody acknowledged", "table"),
    ("escalated-signls.kql", "Signls SIGNL4 escalated", "table"),
    ("paged-vs-tagged.kql", "Incidents paged vs. incidents tagged SIGNL4 (gaps first)", "table"),
]


def query_text(name):
    with open(os.path.join(HERE, "queries", name), encoding="utf-8") as handle:
        text = handle.read()
    return text.replace("TimeGenerated > ago(30d)", "TimeGenerated {TimeRange}")


items = [
    {
        "type": 1,
        "name": "intro",
        "content": {
            "json": "## SIGNL4 on-call response times\nFrom **SIGNL4_CL**, written by the n8n reference workflow 5 (every Signl raised, acknowledged, annotated, escalated and closed). MTTA: mean time from the Signl to its first acknowledgement; MTTR: to its first close. See docs/signl4-history.md."
        },
    },
    {
        "type": 9,
        "name": "parameters",
        "content": {
            "version": "KqlParameterItem/1.0",
            "parameters": [
                {
                    "id": "4f5c1d9e-3b1a-4e8e-9a4f-7d1c2b3a4e50",
                    "version": "KqlParameterItem/1.0",
                    "name": "TimeRange",
                    "label": "Time range",
                    "type": 4,
                    "isRequired": True,
                    "value": {"durationMs": 2592000000},
                    "typeSettings": {"selectableValues": [{"durationMs": 86400000}, {"durationMs": 604800000}, {"durationMs": 2592000000}, {"durationMs": 7776000000}], "allowCustom": True},
                }
            ],
            "style": "pills",
            "queryType": 0,
            "resourceType": "microsoft.operationalinsights/workspaces",
        },
    },
]
for file, title, visualization in SECTIONS:
    items.append(
        {
            "type": 3,
            "name": file[: -len(".kql")],
            "content": {
                "version": "KqlItem/1.0",
                "query": query_text(file),
                "size": 0,
                "title": title,
                "queryType": 0,
                "resourceType": "microsoft.operationalinsights/workspaces",
                "visualization": visualization,
                **({"chartSettings": {"xAxis": "HourOfDay", "yAxis": ["MttaMinutes", "MttrMinutes"]}} if visualization == "barchart" else {}),
            },
        }
    )

workbook = {
    "version": "Notebook/1.0",
    "items": items,
    "fallbackResourceIds": [],
    "fromTemplateId": "sentinel-UserWorkbook",
    "$schema": "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
}
with open(os.path.join(HERE, "workbook.json"), "w", encoding="utf-8") as handle:
    json.dump(workbook, handle, indent=2, ensure_ascii=False)
    handle.write("\n")
