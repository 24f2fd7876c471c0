"""The words of recommendation reasons, in the shopper's language.

Why here and not in the widget: a reason carries numbers, the store's own colour and shade names and a
sentence shape that differs by language (French puts the noun first, writes "1,8" and has no "a/an"), so
each language phrases the whole sentence. The ranking decides *what* to say (`recommend._recommendation`);
a `Wording` says it. English is the default and the fallback for any language without its own wording.
"""

from __future__ import annotations

from inference.ranking.rules import AVOID, GOOD, shape_verdict

# A count of add-to-carts is quoted only once it is more than an anecdote ("added to cart 1 time" is not
# popularity); below it the reason says "often chosen".
POPULAR_COUNT_FROM = 3


class Wording:
    """English reasons."""

    language = "en"

    # Why a good frame for a face shape works, phrased for the face shape.
    why_good: dict[str, str] = {
        "oval": "keep an oval face's natural balance",
        "round": "add definition to a round face",
        "square": "soften a square jaw",
        "heart": "balance a wider forehead and narrow chin",
        "oblong": "balance a longer face with their depth",
        "diamond": "soften strong cheekbones",
        "triangle": "add width at the brow to balance the jaw",
    }

    # "a round face", "a heart-shaped face": how a sentence names each face shape, with its article.
    faces: dict[str, str] = {
        "oval": "an oval face",
        "round": "a round face",
        "square": "a square face",
        "heart": "a heart-shaped face",
        "oblong": "an oblong face",
        "diamond": "a diamond-shaped face",
        "triangle": "a triangular face",
    }

    def number(self, value: float) -> str:
        return f"{value:.1f}"

    def finish(self, text: str) -> str:
        """The language's typography on a finished sentence (French spaces before « : » and « ; »)."""
        return text

    def similar(self, title: str, *, by_descriptor: bool) -> str:
        what = "similar colour and outline to" if by_descriptor else "similar look to"
        return f"{what} {title}"

    def shade(self, delta_e: float, *, closest: bool, tone: str | None, yours: str | None) -> str:
        """'closest shade: ΔE 1.8, neutral undertone like yours'."""
        lead = "closest shade" if closest else "shade"
        text = f"{lead}: ΔE {self.number(delta_e)}"
        if tone and (yours is None or tone == yours):
            text += f", {tone} undertone" + (" like yours" if tone == yours else "")
        elif tone:
            text += f", {tone} undertone (yours is {yours})"
        return text

    def far_shade(self, delta_e: float) -> str:
        """The page's own shade, when it is no match at all: said plainly, not as "shade: ΔE 76.3"."""
        return f"far from your skin tone: ΔE {self.number(delta_e)}; see your closest shade"

    def shade_name(self, name: str) -> str:
        return f"shade {name}"

    def approximate_lighting(self) -> str:
        return "the photo's lighting makes this match approximate: compare the neighbouring shades"

    def coloured_light(self) -> str:
        return (
            "the light in your photo was coloured, so your depth is surer than your undertone: "
            "compare the undertones of this depth"
        )

    def if_overexposed(self) -> str:
        return (
            "your photo's background is blown out: if the photo is over-exposed, this darker shade is yours"
        )

    def shade_needs_skin(self) -> str:
        return "shade match needs a clear skin measurement"

    def colour_needs_skin(self) -> str:
        return "colour match needs a clear skin measurement"

    def frame_needs_face(self) -> str:
        return "frame match needs a clear photo of your face"

    def frame_unread(self) -> str:
        return "its shape and size could not be read from the store's photo: try it on to judge"

    def no_close_shade(self) -> str:
        return "no shade in this store is a close match for your skin tone"

    def frame_shape(self, face: str, frame: str) -> str:
        """One sentence on how a frame shape suits a face shape."""
        value = shape_verdict(face, frame)
        if value == GOOD:
            return f"{frame} frames {self.why_good[face]}"
        if value == AVOID:
            return f"{frame} frames echo rather than balance {self.faces[face]}"
        return f"{frame} frames work with {self.faces[face]}"

    def fit(self, verdict: str, frame_mm: float, face_mm: float) -> str:
        """Fit of a frame's total width against the shopper's face width (`rules.fit_verdict`)."""
        words = {
            "fits": "fits your face width",
            "narrow": "may be narrow for you",
            "wide": "may be wide for you",
        }
        return f"{words[verdict]}: {frame_mm:.0f} mm frame for a {face_mm:.0f} mm face"

    def _thing(self, colour: str, frame: bool) -> str:
        return f"{colour} frame" if frame else colour

    def _palette(self, season: str) -> str:
        return f"your {season} palette" if season else "your palette"

    def _colouring(self, season: str) -> str:
        """Frames are judged by the season's frame colours, not the palette's swatches the shopper sees."""
        return f"your {season} colouring" if season else "your colouring"

    # Palette reasons carry no ΔE: unlike a shade's, a garment's distance from a palette colour is no
    # measurement a shopper can use, and a walkthrough read "(ΔE 43.6 from the palette's nearest colour)" as
    # noise. The number still orders the picks.
    def palette_suits(self, colour: str, *, frame: bool, season: str) -> str:
        whose = self._colouring(season) if frame else self._palette(season)
        return f"{self._thing(colour, frame)} suits {whose}"

    def palette_avoids(self, colour: str, *, frame: bool, season: str) -> str:
        if frame:
            return f"{colour} frames are best avoided with {self._colouring(season)}"
        return f"{colour} is close to a colour {self._palette(season)} avoids"

    def palette_differs(self, colour: str, *, season: str, differences: list[str]) -> str:
        """'royal blue is darker and more vivid than your soft autumn palette's nearest colour'."""
        words = {"lighter": "lighter", "darker": "darker", "vivid": "more vivid", "muted": "more muted"}
        how = " and ".join(words[d] for d in differences) + " than" if differences else "a different hue from"
        return f"{colour} is {how} {self._palette(season)}'s nearest colour"

    def popular(self, add_to_carts: int) -> str:
        if add_to_carts < POPULAR_COUNT_FROM:
            return "often chosen in this store"
        return f"popular in this store: added to cart {add_to_carts} times"

    def colour_word(self, word: str) -> str:
        """A word of `colour_names`' vocabulary in this language (the store's own names are used as given)."""
        return word

    def season(self, subtype: str) -> str:
        return subtype


class FrenchWording(Wording):
    """French reasons: a colour is « le coloris X », so every adjective agrees with « coloris », whatever the
    colour noun's own gender."""

    language = "fr"

    why_good = {
        "oval": "préservent l’équilibre naturel d’un visage ovale",
        "round": "structurent un visage rond",
        "square": "adoucissent une mâchoire carrée",
        "heart": "équilibrent un front large et un menton fin",
        "oblong": "raccourcissent visuellement un visage allongé",
        "diamond": "adoucissent des pommettes marquées",
        "triangle": "élargissent le haut du visage pour équilibrer la mâchoire",
    }
    faces = {
        "oval": "un visage ovale",
        "round": "un visage rond",
        "square": "un visage carré",
        "heart": "un visage en cœur",
        "oblong": "un visage allongé",
        "diamond": "un visage en losange",
        "triangle": "un visage triangulaire",
    }
    _faces_plural = {
        "oval": "aux visages ovales",
        "round": "aux visages ronds",
        "square": "aux visages carrés",
        "heart": "aux visages en cœur",
        "oblong": "aux visages allongés",
        "diamond": "aux visages en losange",
        "triangle": "aux visages triangulaires",
    }
    _frames = {
        "round": "rondes",
        "rectangle": "rectangulaires",
        "square": "carrées",
        "wayfarer": "wayfarer",
        "aviator": "aviateur",
        "cat-eye": "papillon",
        "browline": "browline",
        "oval": "ovales",
        "geometric": "géométriques",
    }
    _undertones = {"warm": "chaud", "neutral": "neutre", "cool": "froid"}
    _seasons = {
        "spring": "printemps",
        "summer": "été",
        "autumn": "automne",
        "winter": "hiver",
        "light": "clair",
        "deep": "profond",
        "warm": "chaud",
        "cool": "froid",
        "bright": "vif",
        "soft": "doux",
    }
    _colours = {
        "black": "noir",
        "charcoal": "anthracite",
        "grey": "gris",
        "light grey": "gris clair",
        "blue grey": "gris bleuté",
        "taupe": "taupe",
        "silver": "argent",
        "white": "blanc",
        "ivory": "ivoire",
        "beige": "beige",
        "camel": "camel",
        "tan": "fauve",
        "brown": "marron",
        "chocolate": "chocolat",
        "tortoise": "écaille",
        "gold": "doré",
        "mustard": "moutarde",
        "yellow": "jaune",
        "orange": "orange",
        "rust": "rouille",
        "coral": "corail",
        "peach": "pêche",
        "apricot": "abricot",
        "nude": "nude",
        "pink": "rose",
        "baby pink": "rose pâle",
        "rose": "vieux rose",
        "fuchsia": "fuchsia",
        "red": "rouge",
        "bright red": "rouge vif",
        "burgundy": "bordeaux",
        "berry": "baie",
        "plum": "prune",
        "mauve": "mauve",
        "lavender": "lavande",
        "purple": "violet",
        "navy": "bleu marine",
        "blue": "bleu",
        "royal blue": "bleu roi",
        "bright blue": "bleu vif",
        "sky blue": "bleu ciel",
        "powder blue": "bleu poudré",
        "teal": "bleu canard",
        "turquoise": "turquoise",
        "mint": "vert menthe",
        "green": "vert",
        "bright green": "vert vif",
        "olive": "olive",
        "khaki": "kaki",
        "emerald": "émeraude",
    }
    # English colour names stores often use that our vocabulary does not have.
    _store_words = {
        "gunmetal": "gris acier",
        "blush": "rose poudré",
        "sky": "bleu ciel",
        "cobalt": "cobalt",
        "tortoiseshell": "écaille",
        "havana": "havane",
        "amber": "ambre",
        "bronze": "bronze",
        "copper": "cuivre",
        "cream": "crème",
        "sand": "sable",
        "wine": "lie-de-vin",
        "ruby": "rubis",
        "rose gold": "or rose",
        "crystal": "transparent",
        "clear": "transparent",
        "matte black": "noir mat",
    }
    _qualifiers = {"light": "clair", "deep": "foncé"}

    def number(self, value: float) -> str:
        return f"{value:.1f}".replace(".", ",")

    def finish(self, text: str) -> str:
        """No-break spaces where French typography wants them: before « : » (U+00A0) and « ; » (U+202F), and
        inside guillemets, so a line never breaks between a word and its colon."""
        text = text.replace(" : ", "\u00a0: ").replace(" ; ", "\u202f; ")
        return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")

    def similar(self, title: str, *, by_descriptor: bool) -> str:
        what = "couleur et silhouette proches de" if by_descriptor else "allure proche de"
        return f"{what} {title}"

    def shade(self, delta_e: float, *, closest: bool, tone: str | None, yours: str | None) -> str:
        lead = "teinte la plus proche" if closest else "teinte voisine"
        text = f"{lead} : écart ΔE {self.number(delta_e)}"
        if tone and (yours is None or tone == yours):
            text += f", sous-ton {self._undertones[tone]}" + (" comme le vôtre" if tone == yours else "")
        elif tone and yours:
            text += f", sous-ton {self._undertones[tone]} (le vôtre est {self._undertones[yours]})"
        return text

    def far_shade(self, delta_e: float) -> str:
        distance = f"écart ΔE {self.number(delta_e)}"
        return f"loin de votre carnation : {distance} ; voyez votre teinte la plus proche"

    def shade_name(self, name: str) -> str:
        return f"teinte {name}"

    def approximate_lighting(self) -> str:
        return "l’éclairage de la photo rend cet accord approximatif : comparez les teintes voisines"

    def coloured_light(self) -> str:
        return (
            "la lumière de votre photo était colorée : l’intensité de votre teinte est plus sûre que votre "
            "sous-ton, comparez les sous-tons de cette intensité"
        )

    def if_overexposed(self) -> str:
        return (
            "l’arrière-plan de votre photo est brûlé : si la photo est surexposée, cette teinte plus foncée "
            "est la vôtre"
        )

    def shade_needs_skin(self) -> str:
        return "l’accord de teinte demande une mesure nette de la peau"

    def colour_needs_skin(self) -> str:
        return "l’accord de couleur demande une mesure nette de la peau"

    def frame_needs_face(self) -> str:
        return "le choix de monture demande une photo nette de votre visage"

    def frame_unread(self) -> str:
        return "sa forme et sa taille n’ont pas pu être lues sur la photo de la boutique : essayez-la"

    def no_close_shade(self) -> str:
        return "aucune teinte de cette boutique n’est vraiment proche de votre carnation"

    def frame_shape(self, face: str, frame: str) -> str:
        value = shape_verdict(face, frame)
        frames = f"les montures {self._frames[frame]}"
        if value == GOOD:
            return f"{frames} {self.why_good[face]}"
        if value == AVOID:
            return f"{frames} accentuent {self.faces[face]} au lieu de l’équilibrer"
        return f"{frames} vont bien {self._faces_plural[face]}"

    def fit(self, verdict: str, frame_mm: float, face_mm: float) -> str:
        words = {
            "fits": "adaptée à la largeur de votre visage",
            "narrow": "peut-être un peu étroite pour vous",
            "wide": "peut-être un peu large pour vous",
        }
        return f"{words[verdict]} : monture de {frame_mm:.0f} mm pour un visage de {face_mm:.0f} mm"

    def _thing(self, colour: str, frame: bool) -> str:
        """'le coloris bordeaux (de la monture)': French colour nouns have genders of their own (l’écaille is
        feminine) and a store's name has none French can know, so the sentence agrees with « coloris »."""
        return f"le coloris {colour}" + (" de la monture" if frame else "")

    def _palette(self, season: str) -> str:
        return f"votre palette {season}" if season else "votre palette"

    def _colouring(self, season: str) -> str:
        return f"votre carnation {season}" if season else "votre carnation"

    def palette_suits(self, colour: str, *, frame: bool, season: str) -> str:
        whose = self._colouring(season) if frame else self._palette(season)
        return f"{self._thing(colour, frame)} s’accorde avec {whose}"

    def palette_avoids(self, colour: str, *, frame: bool, season: str) -> str:
        if frame:
            return f"{self._thing(colour, frame)} est à éviter avec {self._colouring(season)}"
        return f"{self._thing(colour, frame)} est proche d’une couleur que {self._palette(season)} évite"

    def palette_differs(self, colour: str, *, season: str, differences: list[str]) -> str:
        words = {"lighter": "plus clair", "darker": "plus foncé", "vivid": "plus vif", "muted": "plus sourd"}
        how = " et ".join(words[d] for d in differences) + " que" if differences else "d’une autre nuance que"
        return f"{self._thing(colour, False)} est {how} la couleur la plus proche de {self._palette(season)}"

    def popular(self, add_to_carts: int) -> str:
        if add_to_carts < POPULAR_COUNT_FROM:
            return "souvent choisi dans cette boutique"
        return f"apprécié dans cette boutique : ajouté au panier {add_to_carts} fois"

    def colour_word(self, word: str) -> str:
        """Our vocabulary in French; a store's own name too when it is one of those words ("Black" → "noir"),
        else as given."""
        first, _, rest = word.partition(" ")
        if first in self._qualifiers and rest:  # "light coral" (palette names told apart)
            return f"{self.colour_word(rest)} {self._qualifiers[first]}"
        lower = word.lower()
        return self._colours.get(word) or self._colours.get(lower) or self._store_words.get(lower, word)

    def season(self, subtype: str) -> str:
        """'soft autumn' → 'automne doux' (the season first, as French says it)."""
        words = subtype.split()
        if len(words) == 2:
            return f"{self._seasons.get(words[1], words[1])} {self._seasons.get(words[0], words[0])}"
        return " ".join(self._seasons.get(w, w) for w in words)


_WORDINGS: dict[str, Wording] = {w.language: w for w in (Wording(), FrenchWording())}
LANGUAGES: tuple[str, ...] = tuple(_WORDINGS)


def supported_language(code: str | None) -> str | None:
    """The language Facet writes for a code ('fr', 'FR', 'fr-CA' → 'fr'), or None when it writes none."""
    primary = (code or "").strip().split("-")[0].lower()
    return primary if primary in _WORDINGS else None


def wording_for(language: str | None) -> Wording:
    """The wording for a language code ('fr', 'fr-CA' → French); English for anything else."""
    return _WORDINGS[supported_language(language) or "en"]
