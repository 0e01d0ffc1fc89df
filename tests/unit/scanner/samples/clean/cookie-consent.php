<?php
// a cookie banner: reads and sets its own cookie, loads a script from a fixed address
?>
<script src="https://cdn.example.org/consent.js"></script>
<script>
if (document.cookie.indexOf('consent=1') === -1) { showBanner(); }
function accept() { document.cookie = 'consent=1; path=/; max-age=31536000'; }
var q = decodeURIComponent(location.search.substring(1));
var t = document.getElementById('x'); t.textContent = unescape('%41');
</script>
<?php echo '<script>var api = "https://api.example.org/v1/?lang=" + document.documentElement.lang;</script>';
