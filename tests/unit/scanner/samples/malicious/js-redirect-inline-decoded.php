<html><body>
<!-- spamtrace test sample (written for the scanner tests): a script's location in the page's
     HTML set to PHP's echo of a decoded literal -->
<script>window.location.href = "<?= base64_decode('aHR0cHM6Ly9wcml6ZS5leGFtcGxlLm5ldC9y') ?>";</script>
</body></html>
