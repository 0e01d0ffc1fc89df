<?php
// A welcome page that reads its own cookie and sends first-time visitors to a local page.
?>
<script>
if (document.cookie.indexOf('seen=1') < 0) {
    document.cookie = 'seen=1; path=/; max-age=' + 86400 * 30;
    window.location.href = '/welcome?from=' + encodeURIComponent(location.pathname);
}
</script>
