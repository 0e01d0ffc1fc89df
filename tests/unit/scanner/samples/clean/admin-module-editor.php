<!DOCTYPE html>
<html>
<head><title>Pages - Control Panel</title></head>
<body>
	<div id="nav"><?php include 'menu.php'; ?></div>
	<div id="body">
		<?php
			if (isset($_SESSION['login'])) {
				if (!($_POST['filepath'])) {
					header('Location: pages.php');
				}
				echo '<h1>Save Changes</h1>';
				$filepath = $_POST['filepath'];
				$contents = $_POST['editor'];
				$fh = fopen($filepath, 'w');
				fwrite($fh, $contents);
				fclose($fh);
				echo '<p>Page module has been saved.</p>';
			} else {
				header('Location: index.php');
			}
		?>
	</div>
	<div id="footer"><?php include 'footer.php'; ?></div>
</body>
</html>
