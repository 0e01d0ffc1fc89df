<?php
// a contact form sent by fetch to the site's own endpoint, and a sign-up form to a mailing
// service (another host, but no payment or password)
?>
<form id="contact"><input name="email"><textarea name="message"></textarea><button>Send</button></form>
<form id="news"><input name="email"></form>
<script>
document.getElementById('contact').addEventListener('submit', function (e) {
  e.preventDefault();
  fetch('/wp-admin/admin-ajax.php?action=contact', {method: 'POST', body: new FormData(this)});
});
document.getElementById('news').addEventListener('submit', function (e) {
  e.preventDefault();
  var data = new FormData(this);
  fetch('https://api.mailing-service.example/v3/subscribe', {method: 'POST', body: JSON.stringify({email: data.get('email')})});
});
</script>
<?php
echo '<p>' . htmlspecialchars(get_option('blogname')) . '</p>';
