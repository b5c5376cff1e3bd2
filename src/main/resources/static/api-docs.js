// a file of its own, not inline: the page works under a Content-Security-Policy without 'unsafe-inline'
window.ui = SwaggerUIBundle({url: "/api/api-doc", dom_id: "#swagger-ui"});
