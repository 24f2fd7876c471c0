"""Result enricher: the words of an analysis result in the shopper's language.

Also the words of errors (`error_message`): an upload the API refuses and an analysis that failed.

The engine names things in English (palette colours, the season, photo tips, the concerns disclaimer);
reasons are already written in the analysis' language by the ranking. This puts the rest in that language
too, so a French widget never reads "soft autumn" or "burgundy" aloud and an API client gets French tips.
Machine values (`season.name`, `season.subtype`, issue `code`s) stay as they are: the widget and the ranking
key on them; `season.label` and the messages are what to show.
"""

from __future__ import annotations

from typing import Any

from inference.analysis.concerns import NOTE
from inference.analysis.quality import MESSAGES
from inference.ranking.wording import wording_for
from plugin_api.errors import megabytes
from plugin_api.models import Analysis

# The engine's photo tips and disclaimer in the other languages Facet writes (the widget's own strings say the
# same things; a test checks every engine message has its translation).
TRANSLATIONS: dict[str, dict[str, str]] = {
    "fr": {
        MESSAGES["too_dark"]: "Trouvez plus de lumière",
        MESSAGES["too_bright"]: "Évitez la lumière directe",
        MESSAGES["blurry"]: "Tenez l’appareil immobile",
        MESSAGES["face_too_small"]: "Rapprochez-vous",
        MESSAGES["face_cut_off"]: "Cadrez tout votre visage",
        MESSAGES["head_turned"]: "Regardez la caméra",
        MESSAGES["head_tilted"]: "Gardez la tête droite",
        MESSAGES["multiple_faces"]: "Vérifiez que seul votre visage est sur la photo",
        MESSAGES["eyes_closed"]: "Gardez les yeux ouverts",
        MESSAGES["colour_cast"]: "Évitez la lumière colorée",
        MESSAGES["no_colour"]: "Utilisez une photo en couleur, sans filtre",
        MESSAGES["glasses_on"]: "Retirez vos lunettes pour que l’essayage ne montre que la monture choisie",
        NOTE: (
            "Indices cosmétiques décrivant l’apparence de la peau sur cette photo ; "
            "ce n’est pas un avis médical ni dermatologique."
        ),
    }
}


# Shopper-facing errors by code: an upload the API refuses, and an analysis that failed. `{…}` fields come
# from the error's details.
ERRORS: dict[str, dict[str, str]] = {
    "fr": {
        "missing_image": "Envoyez la photo dans le champ multipart « image ».",
        "empty_file": "Le fichier envoyé est vide.",
        "file_too_large": "La photo dépasse {max_mb} Mo.",
        "unsupported_media_type": "Envoyez une photo JPEG, PNG, WebP ou HEIC.",
        "image_unreadable": "La photo n’a pas pu être lue ; elle est peut-être endommagée.",
        "image_too_large": "La photo compte trop de pixels.",
        "image_too_small": (
            "La photo ne fait que {width}×{height} pixels ; choisissez-en une d’au moins {min_side} pixels "
            "de côté (un visage en demande davantage pour être analysé)."
        ),
        "too_many_analyses": (
            "Trop de photos sont en cours d’analyse pour cette boutique ; réessayez dans un instant."
        ),
        "rate_limited": (
            "Vous avez envoyé beaucoup de photos en peu de temps ; patientez environ {wait_minutes} min "
            "avant de réessayer."
        ),
        "unavailable": "L’analyse est momentanément indisponible ; réessayez.",
        "no_face": (
            "Nous n’avons pas trouvé de visage sur cette photo. Envoyez un selfie net, pris de face."
        ),
        "analysis_error": "Nous n’avons pas pu analyser cette photo ; réessayez.",
        "timed_out": "L’analyse a pris trop de temps ; réessayez.",
        "upload_missing": "La photo n’est plus disponible ; envoyez-la à nouveau.",
    }
}


def error_message(
    code: str | None, message: str | None, language: str | None, details: dict | None = None
) -> str | None:
    """`message` in `language` when Facet has that error's words, else as it is (English)."""
    template = ERRORS.get(wording_for(language).language, {}).get(code or "")
    if template is None:
        return message
    fields = dict(details or {})
    if "max_bytes" in fields:
        fields["max_mb"] = megabytes(int(fields["max_bytes"])).replace(".", ",")
    try:
        return wording_for(language).finish(template.format(**fields))
    except (KeyError, IndexError, ValueError):
        return message


def localise_analysis(analysis: Analysis, result: dict[str, Any]) -> dict[str, Any]:
    say = wording_for(analysis.language)
    skin = result.get("skin") or {}
    season = skin.get("season")
    if isinstance(season, dict) and (season.get("subtype") or season.get("name")):
        season["label"] = say.season(season.get("subtype") or season["name"])
    palette = skin.get("palette") or {}
    for key in ("best_names", "avoid_names", "frame_best_names", "frame_avoid_names"):
        if isinstance(palette.get(key), list):
            palette[key] = [say.colour_word(name) for name in palette[key]]
    words = TRANSLATIONS.get(say.language, {})
    for issue in (result.get("quality") or {}).get("issues") or []:
        issue["message"] = say.finish(words.get(issue.get("message"), issue.get("message")))
    if result.get("disclaimer"):
        result["disclaimer"] = say.finish(words.get(result["disclaimer"], result["disclaimer"]))
    return result
