// Loaded as the first element of <body> (not in <head>, where there is no body yet, and not on
// DOMContentLoaded, which is after module scripts have run): GOV.UK Frontend's initAll() only starts
// components inside a body marked "govuk-frontend-supported", so the class must be there first.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
