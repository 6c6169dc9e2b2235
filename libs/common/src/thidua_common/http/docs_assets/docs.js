// Starts Swagger UI on /docs. A file, not an inline script: the page policy allows only scripts
// of this origin. The OpenAPI address comes from the page (it depends on the root path).
"use strict";
(function () {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // no call to the public validator service; a token typed into "Authorize" stays in the
    // page's memory (persistAuthorization would write it to the browser's storage)
    validatorUrl: null,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
