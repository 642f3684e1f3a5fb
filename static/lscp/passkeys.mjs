// Once django-otp-webauthn's script has added or checked a passkey, go where the page says
// (the script itself only reports it). Passkeys need JavaScript; every page that offers one
// offers an authenticator app too.
document.addEventListener("otp_webauthn.register_complete", () => {
  const target = document.querySelector("[data-after-passkey]");
  if (target) window.location.assign(target.dataset.afterPasskey);
});
