<?php
// addresses shown ROT13'd so harvesters do not read them; a click decodes and opens the mail client
function shown_mail($addr) {
    return '<a href="#" data-m="' . htmlspecialchars(str_rot13($addr)) . '" class="rot">write to us</a>';
}
echo shown_mail('office@example-dentist.com');
?>
<script>
document.querySelectorAll('a.rot').forEach(function (a) {
  a.addEventListener('click', function () {
    window.location.href = 'mailto:' + a.dataset.m.replace(/[a-z]/gi, function (c) { return String.fromCharCode((c <= 'Z' ? 90 : 122) >= (c = c.charCodeAt(0) + 13) ? c : c - 26); });
  });
});
var next = new URLSearchParams(location.search).get('next');
if (next && next.charAt(0) === '/') { location.href = decodeURIComponent(next); }
</script>
