/* Entry point of the lazily loaded bundle: bind to the loader's context and expose one object on the
 * existing namespace. Only the loader creates window.Facet; this file adds Facet._app. */

function initApp() {
  CTX.features = (CTX.config && CTX.config.features) || {};
  CTX.origin = new URL(CTX.api).origin;
  LANG = STRINGS[CTX.lang] ? CTX.lang : 'en';
}

window.Facet._app = {
  open: CTX.guard(function (opts) {
    initApp();
    openDialog(opts || {});
  }, 'app.open'),
  close: closeDialog,
  // Exposed for the browser tests that check the client-side warp against OpenCV.
  loadAsset: loadAsset,
  warpLayer: warpLayer,
  strings: STRINGS
};
