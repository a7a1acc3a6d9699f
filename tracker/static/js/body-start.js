// Replaces the inline script of the GOV.UK page template (our CSP forbids inline
// scripts). Load it as the first element of <body>, without defer or async.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
