<?php require __DIR__ . '/config.php'; ?>
<!-- spamtrace test sample (written for the scanner tests): the checkout button sends the
     browser to the site's own address, written by PHP as it is -->
<script>
var home = <?php echo json_encode(SITE_URL); ?>;
document.getElementById('pay').onclick = function () {
    window.location.href = "<?php echo htmlspecialchars(SITE_URL . '/checkout/'); ?>";
};
</script>
