"""Result enricher: the words of an analysis result in the shopper's language.

The engine names things in English (palette colours, the season); reasons are already written in the
analysis' language by the ranking. This puts the rest in that language too, so a French widget never reads
"soft autumn" or "burgundy" aloud. Machine values (`season.name`, `season.subtype`) stay as they are: the
widget and the ranking key on them; `season.label` is what to show.
"""

from __future__ import annotations

from typing import Any

from inference.ranking.wording import wording_for
from plugin_api.models import Analysis


def localise_analysis(analysis: Analysis, result: dict[str, Any]) -> dict[str, Any]:
    say = wording_for(analysis.language)
    skin = result.get("skin") or {}
    season = skin.get("season")
    if isinstance(season, dict) and (season.get("subtype") or season.get("name")):
        season["label"] = say.season(season.get("subtype") or season["name"])
    palette = skin.get("palette") or {}
    for key in ("best_names", "avoid_names"):
        if isinstance(palette.get(key), list):
            palette[key] = [say.colour_word(name) for name in palette[key]]
    return result
